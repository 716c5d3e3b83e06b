package io.lrpipeline.broker;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Properties;

/** The secrets a local run makes: random passwords, and files that only their owner may read. */
public final class Secrets {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    /** 32 letters and digits: nothing a JAAS line, a SCRAM argument or a config file would have to quote. */
    public static String password() {
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    /** Writes {@code text} to {@code file}, replacing what was there, readable and writable by its owner only. */
    public static void writeOwnerOnly(Path file, String text) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** As {@link #writeOwnerOnly(Path, String)}, {@code properties} in the properties file format under {@code comment}. */
    public static void writeOwnerOnly(Path file, Properties properties, String comment) {
        StringWriter text = new StringWriter();
        try {
            properties.store(text, comment);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        writeOwnerOnly(file, text.toString());
    }
}
