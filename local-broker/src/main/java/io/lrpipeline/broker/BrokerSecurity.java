package io.lrpipeline.broker;

import io.lrpipeline.kafka.KafkaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * What a secured local cluster needs, made at start in a directory of its own and never committed: a key and
 * self-signed certificate for the broker (made by the JDK's {@code keytool}, valid a year for 127.0.0.1, localhost and
 * any host name asked for), a
 * truststore holding that certificate, a random SCRAM-SHA-512 password per {@link Principal}, and one Kafka client
 * properties file per principal, for {@code --kafka-config}. Files are readable by their owner only.
 *
 * <p>Clients speak SASL_SSL with SCRAM-SHA-512; the controller listener speaks TLS with client certificates, the
 * broker's own (KRaft controllers cannot take SCRAM, whose credentials live in the metadata they serve).
 */
public final class BrokerSecurity {
    /** The subject of the broker's certificate: its principal on the controller listener, a super user. */
    static final String BROKER_SUBJECT = "CN=lr-broker";
    private static final String MECHANISM = "SCRAM-SHA-512";
    private static final String STORE_TYPE = "PKCS12";

    private final Path dir;
    private final String storePassword;
    private final Map<Principal, String> passwords;

    private BrokerSecurity(Path dir, String storePassword, Map<Principal, String> passwords) {
        this.dir = dir;
        this.storePassword = storePassword;
        this.passwords = passwords;
    }

    /** Makes the keys, certificate, passwords and client files in {@code dir} (created, and emptied of earlier ones). */
    public static BrokerSecurity generate(Path dir) {
        return generate(dir, List.of());
    }

    /** As {@link #generate(Path)}, the certificate valid for {@code hostNames} too (the broker's name in a Docker network). */
    public static BrokerSecurity generate(Path dir, List<String> hostNames) {
        Map<Principal, String> passwords = new EnumMap<>(Principal.class);
        for (Principal principal : Principal.values()) {
            passwords.put(principal, Secrets.password());
        }
        BrokerSecurity security = new BrokerSecurity(dir, Secrets.password(), passwords);
        security.writeStores(hostNames);
        for (Principal principal : Principal.values()) {
            writeOwnerOnly(security.clientConfig(principal),
                    security.clientProperties(principal.userName(), passwords.get(principal)));
        }
        return security;
    }

    /** The client properties file of {@code principal}, for {@code --kafka-config}. */
    public Path clientConfig(Principal principal) {
        return dir.resolve(principal.userName() + ".properties");
    }

    /** How {@code principal} reaches the broker at {@code bootstrapServers}. */
    public KafkaSettings settings(String bootstrapServers, Principal principal) {
        return KafkaSettings.load(bootstrapServers, Optional.of(clientConfig(principal)), Map.of());
    }

    /** The client properties of {@code user} with {@code password} (a wrong one, for a test, as well as the right ones). */
    public Map<String, String> clientProperties(String user, String password) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("security.protocol", "SASL_SSL");
        properties.put("sasl.mechanism", MECHANISM);
        properties.put("sasl.jaas.config", jaas(user, password));
        properties.put("ssl.truststore.location", truststore().toString());
        properties.put("ssl.truststore.type", STORE_TYPE);
        properties.put("ssl.truststore.password", storePassword);
        return properties;
    }

    /** {@code kafka-storage format}'s arguments that put every principal's SCRAM credential into the new cluster. */
    List<String> scramArguments() {
        List<String> arguments = new ArrayList<>();
        passwords.forEach((principal, password) -> {
            arguments.add("--add-scram");
            arguments.add(MECHANISM + "=[name=" + principal.userName() + ",password=" + password + "]");
        });
        return arguments;
    }

    /** The broker's listeners and security settings: SASL_SSL for clients and itself, TLS with client certificates for the controller. */
    void configure(Properties config, Listeners listeners) {
        config.put("listeners", listeners.bound("SASL_SSL"));
        config.put("advertised.listeners", listeners.advertised("SASL_SSL"));
        config.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SSL");
        config.put("inter.broker.listener.name", "SASL_SSL");
        config.put("sasl.enabled.mechanisms", MECHANISM);
        config.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        config.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                jaas(Principal.ADMIN.userName(), passwords.get(Principal.ADMIN)));
        config.put("ssl.keystore.location", keystore().toString());
        config.put("ssl.keystore.type", STORE_TYPE);
        config.put("ssl.keystore.password", storePassword);
        config.put("ssl.key.password", storePassword);
        config.put("ssl.truststore.location", truststore().toString());
        config.put("ssl.truststore.type", STORE_TYPE);
        config.put("ssl.truststore.password", storePassword);
        config.put("listener.name.controller.ssl.client.auth", "required");
        config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        config.put("super.users", Principal.ADMIN.kafkaPrincipal() + ";User:" + BROKER_SUBJECT);
    }

    private Path keystore() {
        return dir.resolve("broker.p12");
    }

    private Path truststore() {
        return dir.resolve("truststore.p12");
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    private void writeStores(List<String> hostNames) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            for (Path old : List.of(keystore(), truststore(), dir.resolve("broker.pem"))) {
                Files.deleteIfExists(old);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder names = new StringBuilder("SAN=ip:127.0.0.1,dns:localhost");
        hostNames.stream().filter(name -> !List.of("localhost", "127.0.0.1").contains(name))
                .forEach(name -> names.append(",dns:").append(name));
        keytool("-genkeypair", "-alias", "lr-broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", BROKER_SUBJECT,
                "-ext", names.toString(), "-validity", "365", "-keystore", keystore().toString(),
                "-storetype", STORE_TYPE, "-storepass:env", "LR_STORE_PASSWORD");
        keytool("-exportcert", "-rfc", "-alias", "lr-broker", "-keystore", keystore().toString(), "-storepass:env", "LR_STORE_PASSWORD",
                "-file", dir.resolve("broker.pem").toString());
        keytool("-importcert", "-noprompt", "-alias", "lr-broker", "-file", dir.resolve("broker.pem").toString(),
                "-keystore", truststore().toString(), "-storetype", STORE_TYPE, "-storepass:env", "LR_STORE_PASSWORD");
        try {
            for (Path store : List.of(keystore(), truststore(), dir.resolve("broker.pem"))) {
                Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the JDK's keytool, the store password in its environment rather than on its command line. */
    private void keytool(String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("LR_STORE_PASSWORD", storePassword);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }

    private static void writeOwnerOnly(Path file, Map<String, String> properties) {
        Properties stored = new Properties();
        stored.putAll(properties);
        Secrets.writeOwnerOnly(file, stored, "Kafka client settings of a secured local cluster (--kafka-config); made at its start");
    }
}
