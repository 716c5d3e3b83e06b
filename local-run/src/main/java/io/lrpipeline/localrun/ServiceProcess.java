package io.lrpipeline.localrun;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A service started as a child JVM, its output prefixed with its name on our console. */
final class ServiceProcess {
    private final String name;
    private final Process process;

    private ServiceProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /** Starts {@code command}; output lines for which {@code show} holds are printed as {@code [name] line}. */
    static ServiceProcess start(String name, List<String> command, Map<String, String> environment, Path workDir,
            PrintStream console, Predicate<String> show) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            Thread pump = new Thread(() -> pump(name, process, console, show), name + "-output");
            pump.setDaemon(true);
            pump.start();
            return new ServiceProcess(name, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** Waits until one of {@code services} has exited, and returns it. */
    static ServiceProcess firstToExit(ServiceProcess... services) throws InterruptedException {
        CompletableFuture<?>[] exits = new CompletableFuture<?>[services.length];
        for (int i = 0; i < services.length; i++) {
            ServiceProcess service = services[i];
            exits[i] = service.process.onExit().thenApply(exited -> service);
        }
        try {
            return (ServiceProcess) CompletableFuture.anyOf(exits).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Asks the service to stop (SIGTERM: its shutdown hooks run), and kills it if it has not within {@code grace}. */
    void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.toHandle().destroy(); // SIGTERM; unlike Process.destroy() it leaves the output open, so its last lines show
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void pump(String name, Process process, PrintStream console, Predicate<String> show) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (show.test(line)) {
                    console.println("[" + name + "] " + line);
                }
            }
        } catch (IOException e) {
            // The process is gone; nothing more to show.
        }
    }
}
