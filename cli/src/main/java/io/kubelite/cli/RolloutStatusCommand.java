package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kl rollout status deployment/NAME}: kubectl's {@code DeploymentStatusViewer} messages, one
 * line each time it changes, until the rollout is done ({@code deployment "NAME" successfully rolled
 * out}) or has exceeded its progress deadline (exit 1). The Deployment is read every half second.
 */
@Command(name = "status", description = "Show the status of a rollout.")
final class RolloutStatusCommand implements Callable<Integer> {
    @Parameters(arity = "1..2", paramLabel = "TYPE NAME | TYPE/NAME")
    List<String> args;

    @Option(names = "--watch", negatable = true, defaultValue = "true", description = "Watch until done.")
    boolean watch;

    @Option(names = "--timeout", defaultValue = "0s", description = "Give up after this long (0: never).")
    String timeout;

    private final KlContext ctx;

    RolloutStatusCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    /** A message and whether the rollout is done. */
    record Status(String message, boolean done) {}

    @Override
    public Integer call() throws InterruptedException {
        String name = RolloutCommand.deploymentName(args);
        Duration limit = parse(timeout);
        long deadline = limit.isZero() ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        String last = null;
        while (true) {
            Status s = status(RolloutCommand.getDeployment(ctx, name));
            if (!s.message().equals(last)) {
                ctx.out().print(s.message());
                ctx.out().flush();
                last = s.message();
            }
            if (s.done() || !watch) {
                return 0;
            }
            if (System.nanoTime() > deadline) {
                throw new KlException("error: timed out waiting for the condition");
            }
            Thread.sleep(500);
        }
    }

    /** kubectl's {@code DeploymentStatusViewer.Status}, its messages word for word. */
    static Status status(JsonNode d) {
        String name = d.path("metadata").path("name").asText();
        JsonNode st = d.path("status");
        long generation = d.path("metadata").path("generation").asLong();
        if (generation > st.path("observedGeneration").asLong()) {
            return new Status("Waiting for deployment spec update to be observed...\n", false);
        }
        for (JsonNode c : st.path("conditions")) {
            if (c.path("type").asText().equals("Progressing")
                    && c.path("reason").asText().equals("ProgressDeadlineExceeded")) {
                throw new KlException("error: deployment \"" + name + "\" exceeded its progress deadline");
            }
        }
        int replicas = d.path("spec").path("replicas").asInt(1);
        int updated = st.path("updatedReplicas").asInt();
        int total = st.path("replicas").asInt();
        int available = st.path("availableReplicas").asInt();
        String waiting = "Waiting for deployment \"" + name + "\" rollout to finish: ";
        if (updated < replicas) {
            return new Status(
                    waiting + updated + " out of " + replicas + " new replicas have been updated...\n", false);
        }
        if (total > updated) {
            return new Status(waiting + (total - updated) + " old replicas are pending termination...\n", false);
        }
        if (available < updated) {
            return new Status(waiting + available + " of " + updated + " updated replicas are available...\n", false);
        }
        return new Status("deployment \"" + name + "\" successfully rolled out\n", true);
    }

    /** {@code 30s}, {@code 2m}, {@code 1h}, or a bare number of seconds. */
    static Duration parse(String s) {
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            char unit = s.charAt(s.length() - 1);
            String n = Character.isDigit(unit) ? s : s.substring(0, s.length() - 1);
            long v = Long.parseLong(n);
            return switch (unit) {
                case 'h' -> Duration.ofHours(v);
                case 'm' -> Duration.ofMinutes(v);
                default -> Duration.ofSeconds(v);
            };
        } catch (RuntimeException e) {
            throw new KlException("error: invalid argument \"" + s + "\" for \"--timeout\" flag", 2);
        }
    }
}
