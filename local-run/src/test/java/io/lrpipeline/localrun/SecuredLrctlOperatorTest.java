package io.lrpipeline.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.broker.Principal;
import io.lrpipeline.broker.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every check of {@link LrctlOperatorTest} on a run with {@code --secure}: lrctl reaches Kafka as {@code lr-operator}
 * (its ACLs let it read runs and metrics and send commands, nothing more) and the REST API as the HTTP user
 * {@code operator}, its password from a file.
 */
class SecuredLrctlOperatorTest extends LrctlOperatorTest {
    private static final Pattern HTTP_USERS = Pattern.compile("users and passwords in (\\S+http-users\\.txt)");

    @Override
    List<String> securityArguments() {
        return List.of("--secure");
    }

    @Override
    List<String> kafkaAccess(LocalKafkaBroker broker) {
        return List.of("--bootstrap-servers", broker.bootstrapServers(), "--kafka-config", broker.clientConfig(Principal.OPERATOR).orElseThrow().toString());
    }

    @Override
    List<String> restAccess(String url, String console, Path work) throws Exception {
        Matcher printed = HTTP_USERS.matcher(console);
        assertThat(printed.find()).as(console).isTrue();
        String password = Files.readAllLines(Path.of(printed.group(1))).stream().filter(line -> line.startsWith("operator "))
                .findFirst().orElseThrow().substring("operator ".length());
        Path passwordFile = work.resolve("operator-password");
        Secrets.writeOwnerOnly(passwordFile, password + "\n");
        return List.of("--url", url, "--user", "operator", "--password-file", passwordFile.toString());
    }
}
