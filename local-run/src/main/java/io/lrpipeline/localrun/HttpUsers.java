package io.lrpipeline.localrun;

import io.lrpipeline.broker.Secrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The scheduler's HTTP users of a secured local run, made at start: {@code operator} (sends commands) and
 * {@code viewer} (reads), each with a random password. The scheduler gets a Quarkus config file of its embedded realm
 * (SHA-512 digests of user:realm:password, no clear password), the person at the keyboard a file of the passwords;
 * both are owner-only.
 */
record HttpUsers(Path schedulerConfig, Path passwords) {
    private static final String REALM = "lr-pipeline";
    private static final List<String> ROLES = List.of("operator", "viewer");

    /** Makes both files in {@code dir}; each user is named after its role. */
    static HttpUsers generate(Path dir) {
        StringBuilder config = new StringBuilder("# the scheduler's HTTP users (QUARKUS_CONFIG_LOCATIONS)\n");
        StringBuilder passwords = new StringBuilder("# HTTP Basic users of the page and the REST API: user password\n");
        for (String role : ROLES) {
            String password = Secrets.password();
            config.append("quarkus.security.users.embedded.users.").append(role).append('=').append(digest(role, password)).append('\n');
            config.append("quarkus.security.users.embedded.roles.").append(role).append('=').append(role).append('\n');
            passwords.append(role).append(' ').append(password).append('\n');
        }
        HttpUsers users = new HttpUsers(dir.resolve("scheduler-users.properties"), dir.resolve("http-users.txt"));
        Secrets.writeOwnerOnly(users.schedulerConfig(), config.toString());
        Secrets.writeOwnerOnly(users.passwords(), passwords.toString());
        return users;
    }

    /** The embedded realm's digest-sha-512 form of a password. */
    private static String digest(String user, String password) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-512").digest((user + ":" + REALM + ":" + password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-512", e);
        }
    }
}
