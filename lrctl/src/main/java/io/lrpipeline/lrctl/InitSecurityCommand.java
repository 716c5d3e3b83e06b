package io.lrpipeline.lrctl;

import io.lrpipeline.broker.Listeners;
import io.lrpipeline.broker.SecuredClusterFiles;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lrctl init-security}: the files a secured single-node broker run by Kafka's scripts starts from. */
@Command(name = "init-security", mixinStandardHelpOptions = true,
        description = {"Writes what a secured single-node broker (SASL_SSL, SCRAM-SHA-512, ACLs) starts from into --dir: its key and"
                + " certificate, a truststore, server.properties, the arguments of kafka-storage.sh format (one per line, with every"
                + " principal's SCRAM credential) and a client file per principal (lr-admin.properties, lr-scheduler.properties, ...).",
                "A directory written before is kept as it is: the cluster formatted from it holds its passwords."})
final class InitSecurityCommand implements Callable<Integer> {
    @Option(names = "--dir", required = true, description = "Where the files go; the broker and every client must see them at this path.")
    Path dir;

    @Option(names = "--host", required = true, description = "The broker's host name as clients reach it (the certificate's name).")
    String host;

    @Option(names = "--listen-host", defaultValue = "", description = "The address the broker binds (default: every interface).")
    String listenHost;

    @Option(names = "--port", defaultValue = "9092", description = "The client listener's port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--controller-port", defaultValue = "9093", description = "The KRaft controller's port (default ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = "--data-dir", defaultValue = "/var/lib/kafka/data", description = "The broker's log directory (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--owner", description = "The user (name or uid) the broker runs as, who then owns the files (they are readable by their owner only).")
    Optional<String> owner;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SecuredClusterFiles.Outcome outcome = SecuredClusterFiles.write(dir, new Listeners(listenHost, host, port, controllerPort), dataDir, owner);
        spec.commandLine().getOut().println(outcome == SecuredClusterFiles.Outcome.WRITTEN
                ? "wrote a secured broker's files for " + host + ":" + port + " into " + dir
                : "kept " + dir + ": it holds a secured broker's files already (remove it, and the broker's data, for new keys and passwords)");
        return 0;
    }
}
