package io.lrpipeline.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * What a secured single-node cluster run by Kafka's own scripts starts from (compose's secure variant), written once
 * into a directory the broker and the clients share: the keys, certificate and client files of a {@link BrokerSecurity},
 * the broker's {@code server.properties}, and the arguments of {@code kafka-storage.sh format} that give the new
 * cluster its id and every principal's SCRAM credential, one per line. Everything is readable by its owner only.
 *
 * <p>A directory already written is kept as it is: the cluster formatted from it holds its passwords.
 */
public final class SecuredClusterFiles {
    public static final String SERVER_PROPERTIES = "server.properties";
    public static final String FORMAT_ARGUMENTS = "format-arguments";

    /** What {@link #write} did. */
    public enum Outcome { WRITTEN, KEPT }

    private SecuredClusterFiles() {}

    /**
     * Writes the files into {@code dir} for a broker listening on {@code listeners} and keeping its data in
     * {@code dataDir}, unless they are there already; {@code owner} (a user name or a numeric uid) then owns them,
     * for a broker that runs as another user than this program.
     */
    public static Outcome write(Path dir, Listeners listeners, Path dataDir, Optional<String> owner) {
        if (Files.exists(dir.resolve(SERVER_PROPERTIES))) {
            return Outcome.KEPT;
        }
        BrokerSecurity security = BrokerSecurity.generate(dir, List.of(listeners.advertisedHost()));
        Properties config = LocalKafkaBroker.serverConfig(dataDir, listeners);
        security.configure(config, listeners);
        Secrets.writeOwnerOnly(dir.resolve(FORMAT_ARGUMENTS),
                String.join("\n", LocalKafkaBroker.formatArguments(security.scramArguments())) + "\n");
        // Written last: its presence says the directory is complete.
        Secrets.writeOwnerOnly(dir.resolve(SERVER_PROPERTIES), config, "lr-pipeline secured broker; made once, with its keys");
        owner.ifPresent(user -> giveTo(dir, user));
        return Outcome.WRITTEN;
    }

    private static void giveTo(Path dir, String user) {
        try (Stream<Path> files = Files.walk(dir)) {
            UserPrincipal principal = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user);
            for (Path file : files.toList()) {
                Files.setOwner(file, principal);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot give " + dir + " to " + user, e);
        }
    }
}
