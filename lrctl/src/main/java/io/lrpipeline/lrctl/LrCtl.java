package io.lrpipeline.lrctl;

import java.io.UncheckedIOException;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The operators' command line. Exit codes: 0 done, 3 rejected (the reason printed), 2 a usage or connection error,
 * told in one line on standard error, never a stack trace.
 */
@Command(name = "lrctl", mixinStandardHelpOptions = true,
        description = {"Operates lr-pipeline: reads runs, changes their schedules, follows them live, sets up a cluster (topics, ACLs,"
                + " a secured broker's files).",
                "Speaks Kafka (--bootstrap-servers, --kafka-config), or the scheduler's REST API with --url."},
        subcommands = {RunsCommand.class, ShowCommand.class, ChangeCommands.SetSchedule.class, ChangeCommands.OverrideRate.class,
            ChangeCommands.Pause.class, ChangeCommands.Resume.class, ChangeCommands.Undo.class, ChangeCommands.Preview.class,
            WatchCommand.class, TopicsCommand.class, AclsCommand.class, InitSecurityCommand.class})
public final class LrCtl {
    /** Exit status of a usage error, an unreachable or refusing cluster, or a file that cannot be written. */
    static final int FAILED = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with lrctl's error handling: a failure the user can act on is one line, and exit status 2. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new LrCtl());
        commandLine.setExecutionExceptionHandler((exception, failed, parsed) -> {
            if (!(exception instanceof IllegalStateException || exception instanceof IllegalArgumentException
                    || exception instanceof KafkaException || exception instanceof UncheckedIOException)) {
                throw exception;
            }
            failed.getErr().println("lrctl " + failed.getCommandName() + ": " + exception.getMessage());
            return FAILED;
        });
        return commandLine;
    }
}
