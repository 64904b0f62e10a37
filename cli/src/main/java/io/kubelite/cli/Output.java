package io.kubelite.cli;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** kubectl-style JSON (4-space indent) and YAML renderings of JSON trees. */
final class Output {
    private static final ObjectWriter PRETTY = ApiClient.JSON.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("    ", "\n"))
            .withArrayIndenter(new DefaultIndenter("    ", "\n")));
    private static final ObjectWriter YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build()).writer();

    private Output() {
    }

    static String prettyJson(JsonNode n) {
        try {
            return PRETTY.writeValueAsString(n);
        } catch (Exception e) {
            throw new KlException("error: " + e.getMessage());
        }
    }

    static String yaml(JsonNode n) {
        try {
            return YAML.writeValueAsString(n);
        } catch (Exception e) {
            throw new KlException("error: " + e.getMessage());
        }
    }
}
