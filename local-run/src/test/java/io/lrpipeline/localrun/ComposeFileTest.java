package io.lrpipeline.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.events.Topics.TopicSpec;
import io.lrpipeline.events.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docker-compose.yml is valid for Compose (no engine needed), with and without the CPU and Spark profiles. */
class ComposeFileTest {
    private static final Path COMPOSE_FILE = Path.of("..", "docker-compose.yml").toAbsolutePath().normalize();

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
        Matcher scheduler = Pattern.compile("\\n  scheduler:\\n(.*?)(\\n  [a-z-]+:\\n|$)", Pattern.DOTALL).matcher(config.output());
        assertThat(scheduler.find()).as(config.output()).isTrue();
        assertThat(scheduler.group(1)).containsAnyOf("127.0.0.1:8080:8080", "host_ip: 127.0.0.1").contains(":/app/config");
    }

    /** The topic service's list is written by hand in the compose file: it must create exactly {@link Topics#ALL}. */
    @Test
    void theTopicServiceCreatesExactlyTheContractsTopicsWithTheirPartitionsAndConfigs() throws IOException {
        String file = Files.readString(COMPOSE_FILE);
        Matcher partitions = Pattern.compile("create\\(\\) \\{[^}]*--partitions (\\d+) ").matcher(file);
        assertThat(partitions.find()).as("the topic service's create()").isTrue();
        Map<String, TopicSpec> created = new HashMap<>();
        Matcher line = Pattern.compile("(?m)^\\s+create ([a-z.]+)((?: --config \\S+)*)\\s*$").matcher(file);
        while (line.find()) {
            Map<String, String> configs = new HashMap<>();
            for (String setting : line.group(2).split(" --config ")) {
                if (!setting.isBlank()) {
                    String[] keyAndValue = setting.trim().split("=", 2);
                    configs.put(keyAndValue[0], keyAndValue[1]);
                }
            }
            created.put(line.group(1), new TopicSpec(line.group(1), Integer.parseInt(partitions.group(1)), configs));
        }

        assertThat(created).isEqualTo(Topics.ALL.stream().collect(Collectors.toMap(TopicSpec::name, topic -> topic)));
    }

    private record Result(int exitCode, String output) {}

    /** Runs docker-compose (v1) or `docker compose` (v2) on the project's compose file. */
    private static Result compose(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(composeCommand());
        command.addAll(List.of("-f", COMPOSE_FILE.toString()));
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
