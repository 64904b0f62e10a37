package io.kubelite.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kubelite probe URL} from the full launcher (e.g. {@code bin/kubelite probe
 * http://127.0.0.1:10441/readyz}), the same check the container image's script runs on
 * the launcher jar alone: exit 0 when a GET answers 200 within two seconds, else 1.
 */
@Command(name = "probe", description = "Health check: exit 0 when a GET of URL answers 200 within 2 s, else 1.")
final class ProbeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "URL", description = "e.g. http://127.0.0.1:10441/readyz")
    String url;

    @Override
    public Integer call() {
        return HealthProbe.probe(url);
    }
}
