package io.lrpipeline.localrun;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone cluster on 127.0.0.1 made of the trainer's jars: a master and one worker process per worker of
 * the run, each offering one core, so that each executor the trainer's application gets is one replica of the model.
 * A Worker launches executors from {@code SPARK_HOME/jars}: here a link to the trainer's runtime jars beside a
 * {@code RELEASE} file, which is all a Spark installation needs to be one. Everything binds to loopback
 * ({@code SPARK_LOCAL_IP}); web UIs take free ports.
 */
final class SparkCluster {
    private static final String HOST = "127.0.0.1";
    private final Path sparkHome;
    private final int port;
    private final String executorMemory;

    private SparkCluster(Path sparkHome, int port, String executorMemory) {
        this.sparkHome = sparkHome;
        this.port = port;
        this.executorMemory = executorMemory;
    }

    /**
     * Lays out a Spark installation in {@code sparkHome} (empty) for a master on {@code port} whose workers each have
     * room for one executor of {@code executorMemory} (Spark's notation: 2g, 512m).
     */
    static SparkCluster prepare(ServiceLayout layout, Path sparkHome, int port, String executorMemory) throws IOException {
        Files.writeString(sparkHome.resolve("RELEASE"), "Spark from lr-pipeline's trainer jars\n");
        Files.createSymbolicLink(sparkHome.resolve("jars"), layout.trainerLibrary());
        return new SparkCluster(sparkHome, port, executorMemory);
    }

    String masterUrl() {
        return "spark://" + HOST + ":" + port;
    }

    /** What the master, the workers and the driver run with; the executors inherit the workers' environment. */
    Map<String, String> environment(String openMpThreads) {
        return Map.of("SPARK_HOME", sparkHome.toString(),
                "SPARK_SCALA_VERSION", "2.12",
                "SPARK_LOCAL_IP", HOST,
                "OMP_WAIT_POLICY", "PASSIVE",
                "OMP_NUM_THREADS", openMpThreads);
    }

    List<String> master(ServiceLayout layout) {
        return layout.sparkDaemon("spark-master", List.of("--host", HOST, "--port", String.valueOf(port), "--webui-port", "0"));
    }

    /** Worker {@code index}: one core, memory for one executor, its own work directory. */
    List<String> worker(ServiceLayout layout, int index) {
        return layout.sparkDaemon("spark-worker", List.of("--host", HOST, "--cores", "1", "--memory", executorMemory, "--webui-port", "0",
                "--work-dir", sparkHome.resolve("work-" + index).toString(), masterUrl()));
    }

    /** The Spark properties the trainer's driver needs to be reached by executors on this machine only. */
    List<String> driverArguments() {
        return List.of("--spark-master", masterUrl(), "--spark-conf", "spark.driver.host=" + HOST,
                "--spark-conf", "spark.driver.bindAddress=" + HOST, "--spark-conf", "spark.executor.memory=" + executorMemory);
    }

    boolean masterListening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
