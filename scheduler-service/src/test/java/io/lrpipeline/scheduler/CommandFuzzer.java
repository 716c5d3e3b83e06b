package io.lrpipeline.scheduler;

import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.CommandOutcome.Status;
import io.lrpipeline.events.CommandRejected;
import io.lrpipeline.events.RunState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Seeded commands for one run at a known epoch: valid ones (valid by construction), invalid ones (each broken in a
 * known way, with the words its rejection must contain), and random character edits of valid ones, whose validity
 * nobody knows in advance. {@link #judge} checks what the scheduler made of them.
 */
final class CommandFuzzer {
    static final String RUN = "run-fuzz";
    /** Short enough that every valid schedule stays within the scheduler's default bounds over the whole run. */
    static final int EPOCHS = 60;
    static final String SENTINEL_ID = "fz-end";
    static final String SENTINEL = "{\"commandId\": \"" + SENTINEL_ID + "\", \"runId\": \"" + RUN + "\", \"type\": \"preview\", \"learningRate\": 0.01}";

    enum Expect { VALID, INVALID, UNKNOWN }

    record Case(String commandId, String payload, Expect expect, String reasonContains) {}

    record Verdict(List<String> problems, int valid, int invalid) {}

    private final Random random;
    private final int currentEpoch;
    private final List<String> validIds = new ArrayList<>();

    CommandFuzzer(long seed, int currentEpoch) {
        this.random = new Random(seed);
        this.currentEpoch = currentEpoch;
    }

    List<Case> cases(int count) {
        List<Case> cases = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            String id = "fz-" + n;
            int pick = random.nextInt(20);
            cases.add(pick < 6 ? valid(id) : pick < 17 ? invalid(id, pick) : edited(id));
        }
        return cases;
    }

    private Case valid(String id) {
        validIds.add(id);
        return new Case(id, command(id, RUN, random.nextBoolean() ? override(rate()) : schedule(validSchedule()), futureEpoch()), Expect.VALID, "");
    }

    private Case invalid(String id, int pick) {
        String from = futureEpoch();
        return switch (random.nextInt(14)) {
            case 0 -> bad(id, "{\"runId\": \"" + RUN + "\", \"commandId\": \"" + id + "\", \"type\": \"override\", \"learningRate\": 0.01}", "needs 'by'");
            case 1 -> bad(id, command(id, RUN, "\"type\": \"override\", \"learningRate\": \"0.01\"", from), "must be a number, got string");
            case 2 -> bad(id, command(id, RUN, override(-rate()), from), "outside the allowed");
            case 3 -> bad(id, command(id, RUN, override(0), from), "outside the allowed");
            case 4 -> bad(id, command(id, RUN, override(5 + random.nextInt(1000)), from), "outside the allowed");
            case 5 -> bad(id, command(id, RUN, "\"type\": \"override\", \"learningRate\": " + (random.nextBoolean() ? "NaN" : "Infinity"), from), "not JSON");
            case 6 -> bad(id, command(id, "run-nobody-" + random.nextInt(100), override(rate()), from), "unknown run");
            case 7 -> bad(id, command(id, RUN, schedule("{\"kind\": \"zigzag\", \"params\": {\"rate\": 0.1}}"), from), "unknown schedule kind");
            case 8 -> bad(id, command(id, RUN, override(rate()), ", \"fromEpoch\": " + random.nextInt(currentEpoch)), "in the past");
            case 9 -> bad(id, command(id, RUN, override(rate()), "") .replace("\"by\": \"fuzzer\", ", "\"why\": \"" + "x".repeat(70_000) + "\", "), "more than 65536");
            case 10 -> validIds.isEmpty() ? bad(id, command(id, RUN, "\"type\": \"resume\"", ""), "is not paused")
                    : new Case(id, command(recentValidId(), RUN, override(rate()), from).replaceFirst("\\{", "{\"why\": \"" + id + "\", "),
                            Expect.INVALID, "duplicate commandId");
            case 11 -> {
                String whole = command(id, RUN, override(rate()), from);
                yield bad(id, whole.substring(0, 20 + id.length() + random.nextInt(whole.length() - 21 - id.length())), "not JSON");
            }
            case 12 -> bad(id, command(id, RUN, override(rate()), from).replace("\"type\"", "\"tpye\""), "unknown field 'tpye'");
            default -> bad(id, command(id, RUN, schedule("{\"kind\": \"exponential\", \"params\": {\"initial\": 0.1, \"gamma\": " + (1.2 + random.nextDouble()) + "}}"), from), "outside the allowed");
        };
    }

    /** One of the last 50 valid ids: well inside the history the scheduler keeps for duplicate detection. */
    private String recentValidId() {
        return validIds.get(validIds.size() - 1 - random.nextInt(Math.min(50, validIds.size())));
    }

    private Case edited(String id) {
        String payload = command(id, RUN, random.nextBoolean() ? override(rate()) : schedule(validSchedule()), futureEpoch());
        StringBuilder text = new StringBuilder(payload);
        int keep = ("{\"commandId\": \"" + id + "\"").length();
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            int at = keep + random.nextInt(text.length() - keep);
            char c = "{}[]\":,0123456789.-eE ntfaxyz\\".charAt(random.nextInt(30));
            switch (random.nextInt(3)) {
                case 0 -> text.setCharAt(at, c);
                case 1 -> text.insert(at, c);
                default -> text.deleteCharAt(at);
            }
        }
        return new Case(id, text.toString(), Expect.UNKNOWN, "");
    }

    Verdict judge(List<Case> cases, List<CommandOutcome> replies, List<CommandRejected> rejections, RunState after, long versionBefore) {
        Map<String, CommandOutcome> outcomeById = new HashMap<>();
        replies.forEach(o -> {
            if (o.commandId() != null) {
                outcomeById.merge(o.commandId(), o, (a, b) -> a.status() == Status.ACCEPTED ? a : b);
            }
        });
        Map<String, CommandRejected> rejectionByPayload = new HashMap<>();
        rejections.forEach(r -> rejectionByPayload.put(r.payload().substring(0, Math.min(r.payload().length(), 200)), r));
        Map<String, Long> applied = new HashMap<>();
        after.history().stream().filter(c -> c.commandId().startsWith("fz-")).forEach(c -> applied.merge(c.commandId(), 1L, Long::sum));
        List<String> problems = new ArrayList<>();
        Set<Long> versions = new HashSet<>();
        Set<String> accepted = new HashSet<>();
        outcomeById.forEach((id, o) -> {
            if (o.status() == Status.ACCEPTED) {
                accepted.add(id);
            }
        });
        int valid = 0;
        int invalid = 0;
        for (Case c : cases) {
            CommandRejected rejection = rejectionByPayload.get(c.payload().substring(0, Math.min(c.payload().length(), 200)));
            rejection = rejection != null && rejection.isOf(c.payload()) ? rejection : null;
            String label = c.commandId() + " (" + c.expect() + "): ";
            if (rejection != null) {
                invalid++;
                if (rejection.reason().isBlank()) {
                    problems.add(label + "rejected without a reason");
                }
                if (c.expect() == Expect.VALID) {
                    problems.add(label + "valid but rejected: " + rejection.reason());
                }
                if (c.expect() == Expect.INVALID && !rejection.reason().contains(c.reasonContains())) {
                    problems.add(label + "rejected for '" + rejection.reason() + "', expected '" + c.reasonContains() + "'");
                }
                continue;
            }
            CommandOutcome outcome = outcomeById.get(c.commandId());
            if (c.expect() == Expect.INVALID) {
                problems.add(label + "invalid but not rejected: " + (outcome == null ? "no outcome" : outcome.message()));
            } else if (outcome == null || outcome.status() != Status.ACCEPTED) {
                problems.add(label + "neither rejected nor accepted: " + outcome);
            } else if (applied.getOrDefault(c.commandId(), 0L) > 1) {
                problems.add(label + "accepted but in the history " + applied.get(c.commandId()) + " times");
            } else if (!versions.add(outcome.scheduleVersion())) {
                problems.add(label + "accepted as version " + outcome.scheduleVersion() + ", which another command also got");
            } else {
                valid++;
            }
        }
        // each accepted command bumped the version once: versions before+1 … after, each taken by exactly one command
        if (after.scheduleVersion() != versionBefore + valid || !versions.stream().allMatch(v -> v > versionBefore && v <= after.scheduleVersion())) {
            problems.add("version went from " + versionBefore + " to " + after.scheduleVersion() + " for " + valid + " accepted commands");
        }
        after.history().stream().filter(c -> c.commandId().startsWith("fz-")).forEach(c -> {
            if (!accepted.contains(c.commandId())) {
                problems.add(c.commandId() + " is in the history but was never answered as accepted");
            }
        });
        return new Verdict(problems, valid, invalid);
    }

    private Case bad(String id, String payload, String reason) {
        return new Case(id, payload, Expect.INVALID, reason);
    }

    private static String command(String id, String runId, String body, String from) {
        return "{\"commandId\": \"" + id + "\", \"runId\": \"" + runId + "\", \"by\": \"fuzzer\", " + body + from + "}";
    }

    private String futureEpoch() {
        return random.nextBoolean() ? "" : ", \"fromEpoch\": " + (currentEpoch + 1 + random.nextInt(EPOCHS - currentEpoch - 1));
    }

    private double rate() {
        return 1e-4 + random.nextDouble() * 0.5;
    }

    private static String override(double rate) {
        return "\"type\": \"override\", \"learningRate\": " + String.format(Locale.ROOT, "%s", rate);
    }

    private static String schedule(String schedule) {
        return "\"type\": \"set-schedule\", \"schedule\": " + schedule;
    }

    private String validSchedule() {
        double initial = 1e-3 + random.nextDouble() * 0.1;
        return switch (random.nextInt(5)) {
            case 0 -> "{\"kind\": \"exponential\", \"params\": {\"initial\": " + initial + ", \"gamma\": " + (0.95 + random.nextDouble() * 0.05) + "}}";
            case 1 -> "{\"kind\": \"step-decay\", \"params\": {\"initial\": " + initial + ", \"factor\": " + (0.8 + random.nextDouble() * 0.2)
                    + ", \"every\": " + (2 + random.nextInt(4)) + "}}";
            case 2 -> "{\"kind\": \"piecewise\", \"params\": {\"0\": " + initial + ", \"" + (5 + random.nextInt(50)) + "\": " + initial / 10 + "}}";
            case 3 -> "{\"kind\": \"cosine\", \"params\": {\"peak\": " + initial + ", \"warmupEpochs\": " + random.nextInt(4)
                    + ", \"totalEpochs\": " + (10 + random.nextInt(40)) + ", \"min\": 0.0001}, \"scaling\": {\"rule\": \"sqrt\", \"warmupEpochs\": 2}}";
            default -> "{\"kind\": \"constant\", \"params\": {\"rate\": " + initial + "}}";
        };
    }
}
