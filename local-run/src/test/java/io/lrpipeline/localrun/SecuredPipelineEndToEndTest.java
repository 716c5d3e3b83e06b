package io.lrpipeline.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link PipelineEndToEndTest} on a run with {@code --secure}: the broker on SASL_SSL with ACLs, the
 * scheduler, the log-sink and the trainer each logged in as its own principal, the broker restarted mid-run as well.
 */
class SecuredPipelineEndToEndTest extends PipelineEndToEndTest {
    private static final Pattern OPERATOR_SETTINGS = Pattern.compile("an operator's client settings in (\\S+lr-operator\\.properties)");

    @Override
    List<String> securityArguments() {
        return List.of("--secure");
    }

    @Override
    String securityBanner() {
        return "Kafka on SASL_SSL (SCRAM-SHA-512) with ACLs per service, an operator's client settings in ";
    }

    @Test
    void itsKeysAndPasswordsAreGoneOnceTheRunStops() {
        Matcher printed = OPERATOR_SETTINGS.matcher(console);
        assertThat(printed.find()).as(console).isTrue();
        Path operatorSettings = Path.of(printed.group(1));

        assertThat(operatorSettings.getParent().getFileName().toString()).startsWith("lr-pipeline-security");
        assertThat(Files.exists(operatorSettings.getParent())).isFalse();
    }
}
