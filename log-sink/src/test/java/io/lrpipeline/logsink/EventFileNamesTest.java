package io.lrpipeline.logsink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventFileNamesTest {
    @TempDir
    Path dir;

    @Test
    void namesSortInCreationOrderEvenWhenTheClockStepsBack() {
        EventFileNames first = EventFileNames.NONE.next(1_700_000_100);
        EventFileNames second = first.next(1_700_000_050);

        assertThat(first.fileName("h")).isEqualTo("events.out.tfevents.1700000100.000001.h");
        assertThat(second.fileName("h")).isEqualTo("events.out.tfevents.1700000100.000002.h");
        assertThat(second.fileName("a")).isGreaterThan(first.fileName("z"));
    }

    @Test
    void listsOnlyTheSinksFilesInReadingOrderAndParsesTheirNames() throws Exception {
        Files.createFile(dir.resolve("events.out.tfevents.1700000200.000002.h"));
        Files.createFile(dir.resolve("events.out.tfevents.1700000100.000001.h"));
        Files.createFile(dir.resolve("events.out.tfevents.1700000000.host.123.0"));
        Files.createFile(dir.resolve("notes.txt"));

        assertThat(EventFileNames.in(dir)).extracting(p -> p.getFileName().toString()).containsExactly(
                "events.out.tfevents.1700000100.000001.h", "events.out.tfevents.1700000200.000002.h");
        assertThat(EventFileNames.of(dir.resolve("events.out.tfevents.1700000200.000002.h")))
                .isEqualTo(new EventFileNames(1_700_000_200, 2));
    }
}
