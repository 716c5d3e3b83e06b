package io.lrpipeline.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.broker.Principal;
import io.lrpipeline.lrctl.LrCtl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml is valid for Compose (no engine needed), with and without the CPU and Spark profiles, alone and with
 * its secure variant docker-compose.secure.yml on top.
 */
class ComposeFileTest {
    private static final Path COMPOSE_FILE = Path.of("..", "docker-compose.yml").toAbsolutePath().normalize();
    private static final Path SECURE_FILE = Path.of("..", "docker-compose.secure.yml").toAbsolutePath().normalize();

    @Test
    void composeFileIsValid() throws Exception {
        assertThat(compose("config", "-q")).isEqualTo(new Result(0, ""));
    }

    /** Compose v1 lists a profile's services whatever profiles are asked for; the profiles are checked by name in the file. */
    @Test
    void definesTheDefaultServicesTheCpuTrainerAndTheSparkMasterWorkersAndDriver() throws Exception {
        Result services = compose("--profile", "cpu", "--profile", "spark", "config", "--services");

        assertThat(services.exitCode()).isZero();
        assertThat(services.output().lines()).containsExactlyInAnyOrder("kafka", "topics", "data", "scheduler", "log-sink", "trainer",
                "trainer-cpu", "spark-master", "spark-worker", "spark-trainer", "tensorboard");
    }

    @Test
    void theSparkDriverTrainsOnTheMasterItsWorkersJoin() throws Exception {
        Result config = compose("--profile", "spark", "config");

        assertThat(config.exitCode()).isZero();
        assertThat(config.output()).contains("SPARK_MASTER: spark://spark-master:7077").contains("- spark://spark-master:7077");
    }

    /** Compose v1 prints the port as 127.0.0.1:8080:8080/tcp, v2 as a mapping with host_ip. */
    @Test
    void theSchedulerIsPublishedOnThisMachineOnlyAndReadsItsUsersFromConfig() throws Exception {
        Result config = compose("config");

        assertThat(config.exitCode()).isZero();
        assertThat(service(config, "scheduler")).containsAnyOf("127.0.0.1:8080:8080", "host_ip: 127.0.0.1").contains(":/app/config");
    }

    /** The topic service runs {@code lrctl topics}, which creates {@link io.lrpipeline.events.Topics#ALL}: no copied list. */
    @Test
    void theTopicServiceCreatesTheContractsTopicsWithLrctl() throws Exception {
        Result config = compose("config");

        assertThat(service(config, "topics")).contains("dockerfile: lrctl/Dockerfile").containsPattern("command:\\s+- topics\\b");
        assertThat(Files.readString(Path.of("..", "lrctl", "Dockerfile"))).contains("ENTRYPOINT [\"java\", \"-cp\", \"/app/lib/*\", \""
                + LrCtl.class.getName() + "\"]");
    }

    @Test
    void theSecureVariantIsValidWithEveryProfile() throws Exception {
        assertThat(secureCompose("config", "-q")).isEqualTo(new Result(0, ""));
        assertThat(secureCompose("--profile", "cpu", "--profile", "spark", "config", "--services").output().lines())
                .contains("kafka-security", "acls", "trainer-cpu", "spark-trainer");
    }

    /** Each client reads its own principal's file from the security volume, and waits for the ACLs. */
    @Test
    void inTheSecureVariantEveryClientIsItsOwnPrincipal() throws Exception {
        Result config = secureCompose("--profile", "cpu", "--profile", "spark", "config");

        Map<String, Principal> clients = Map.of("topics", Principal.ADMIN, "acls", Principal.ADMIN, "scheduler", Principal.SCHEDULER,
                "log-sink", Principal.SINK, "trainer", Principal.TRAINER, "trainer-cpu", Principal.TRAINER, "spark-trainer", Principal.TRAINER);
        clients.forEach((name, principal) -> assertThat(service(config, name)).as(name)
                .contains("KAFKA_CONFIG: /security/" + principal.userName() + ".properties")
                .contains("KAFKA_BOOTSTRAP_SERVERS: kafka:9092")
                .contains("kafka-security:/security:ro"));
        for (String name : List.of("scheduler", "log-sink")) {
            assertThat(service(config, name)).as(name).containsPattern("acls:\\s+condition: service_completed_successfully");
        }
        assertThat(service(config, "kafka")).contains("kafka-secure-data:/var/lib/kafka/data");
    }

    /**
     * Runs kafka-security's own command line (into a directory here, without its --owner): every {@code /security/}
     * file the secure variant names is one it writes, and its broker is the {@code kafka:9092} the clients reach.
     */
    @Test
    void everySecurityFileTheSecureVariantNamesIsOneInitSecurityWrites(@TempDir Path dir) throws Exception {
        Matcher command = Pattern.compile("command: \\[(\"init-security\"[^\\]]*)\\]").matcher(Files.readString(SECURE_FILE));
        assertThat(command.find()).isTrue();
        List<String> arguments = new ArrayList<>(Arrays.stream(command.group(1).split(",")).map(word -> word.strip().replace("\"", "")).toList());
        int owner = arguments.indexOf("--owner");
        arguments.subList(owner, owner + 2).clear();
        arguments.set(arguments.indexOf("--dir") + 1, dir.toString());
        arguments.addAll(List.of("--listen-host", "127.0.0.1"));

        assertThat(LrCtl.commandLine().execute(arguments.toArray(String[]::new))).isZero();

        Matcher named = Pattern.compile("/security/([\\w.-]+)").matcher(secureCompose("--profile", "cpu", "--profile", "spark", "config").output());
        List<String> files = new ArrayList<>();
        while (named.find()) {
            files.add(named.group(1));
        }
        assertThat(files).contains("server.properties", "format-arguments", "lr-admin.properties", "lr-trainer.properties")
                .allSatisfy(file -> assertThat(dir.resolve(file)).isRegularFile());
        assertThat(Files.readString(dir.resolve("server.properties"))).contains("advertised.listeners=SASL_SSL\\://kafka\\:9092");
    }

    private record Result(int exitCode, String output) {}

    /** One service's part of {@code config}'s output. */
    private static String service(Result config, String name) {
        assertThat(config.exitCode()).as(config.output()).isZero();
        Matcher service = Pattern.compile("\\n  " + Pattern.quote(name) + ":\\n(.*?)(\\n  [a-z-]+:\\n|\\n[a-z]|$)", Pattern.DOTALL)
                .matcher(config.output());
        assertThat(service.find()).as(name + " in " + config.output()).isTrue();
        return service.group(1);
    }

    /** Runs docker-compose (v1) or `docker compose` (v2) on the project's compose file. */
    private static Result compose(String... arguments) throws IOException, InterruptedException {
        return compose(List.of(COMPOSE_FILE), arguments);
    }

    /** As {@link #compose(String...)}, with the secure variant on top. */
    private static Result secureCompose(String... arguments) throws IOException, InterruptedException {
        return compose(List.of(COMPOSE_FILE, SECURE_FILE), arguments);
    }

    private static Result compose(List<Path> files, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(composeCommand());
        files.forEach(file -> command.addAll(List.of("-f", file.toString())));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static List<String> composeCommand() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "docker-compose"))) {
                return List.of("docker-compose");
            }
        }
        return List.of("docker", "compose");
    }
}
