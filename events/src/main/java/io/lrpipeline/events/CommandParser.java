package io.lrpipeline.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lrpipeline.events.LearningRateCommand.Type;
import io.lrpipeline.events.schedule.ScheduleSpec;
import io.lrpipeline.events.schedule.WorkerScaling;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an operator's command strictly: any payload that is not exactly a valid {@link LearningRateCommand} is an
 * {@link InvalidEventException} whose message is the reason an operator reads on {@code lr.commands.rejected}.
 * Unknown fields are refused too: a misspelt {@code fromEpcoh} must not silently mean "next epoch".
 */
public final class CommandParser {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Set<String> FIELDS = Set.of("schemaVersion", "commandId", "runId", "type", "fromEpoch", "schedule",
            "learningRate", "epochs", "by", "why");
    private static final Set<String> SCHEDULE_FIELDS = Set.of("kind", "params", "monitor", "scaling");
    private static final Set<String> SCALING_FIELDS = Set.of("rule", "warmupEpochs", "referenceWorkers");
    private static final int MAX_WHY_CHARS = 1000;
    private static final int MAX_PREVIEW_EPOCHS = 10_000;

    public static LearningRateCommand parse(String payload) {
        ObjectNode root = readObject(payload);
        requireKnown("the command", root, FIELDS);
        if (root.has("schemaVersion") && optionalWhole(root, "schemaVersion", 1, Versioned.SCHEMA_VERSION) != Versioned.SCHEMA_VERSION) {
            throw invalid("schemaVersion must be " + Versioned.SCHEMA_VERSION);
        }
        String commandId = id(root, "commandId");
        String runId = id(root, "runId");
        RunIds.problem("'runId'", runId).ifPresent(problem -> {
            throw invalid(problem);
        });
        Type type = type(root);
        Integer fromEpoch = root.hasNonNull("fromEpoch") ? optionalWhole(root, "fromEpoch", 0, Integer.MAX_VALUE) : null;
        ScheduleSpec schedule = root.hasNonNull("schedule") ? schedule(root.get("schedule")) : null;
        Double learningRate = root.hasNonNull("learningRate") ? number(root, "learningRate") : null;
        Integer epochs = root.hasNonNull("epochs") ? optionalWhole(root, "epochs", 1, MAX_PREVIEW_EPOCHS) : null;
        String by = root.hasNonNull("by") ? text(root, "by", 200) : null;
        String why = root.hasNonNull("why") ? text(root, "why", MAX_WHY_CHARS) : null;
        requireShape(type, schedule, learningRate, epochs, by);
        return new LearningRateCommand(commandId, runId, type, fromEpoch, schedule, learningRate, epochs, by, why);
    }

    /**
     * The payload as a JSON object, read as strictly as {@link #parse} reads it (size, one value after it, no key
     * given twice), for a caller that completes a command before sending it on: the REST API fills in ids.
     */
    public static ObjectNode readObject(String payload) {
        return object("the command", tree(payload));
    }

    /** The command's id and run id if the payload is a JSON object that has them as strings, for a rejection record. */
    public static Map<String, String> identity(String payload) {
        Map<String, String> found = new LinkedHashMap<>();
        try {
            JsonNode root = MAPPER.readTree(payload);
            for (String field : new String[] {"commandId", "runId"}) {
                if (root != null && root.path(field).isTextual() && root.path(field).asText().length() <= 200) {
                    found.put(field, root.path(field).asText());
                }
            }
        } catch (JsonProcessingException | RuntimeException e) {
            // too broken to say: the rejection carries the payload alone
        }
        return found;
    }

    private static JsonNode tree(String payload) {
        if (payload == null || payload.isBlank()) {
            throw invalid("the payload is empty");
        }
        if (payload.length() > EventJson.MAX_PAYLOAD_CHARS) {
            throw invalid("the payload is " + payload.length() + " characters, more than " + EventJson.MAX_PAYLOAD_CHARS);
        }
        try {
            return MAPPER.readTree(payload);
        } catch (JsonProcessingException e) {
            throw invalid("not JSON: " + e.getOriginalMessage());
        }
    }

    private static void requireShape(Type type, ScheduleSpec schedule, Double learningRate, Integer epochs, String by) {
        switch (type) {
            case SET_SCHEDULE -> {
                require(schedule != null, "set-schedule needs a 'schedule'");
                require(learningRate == null, "set-schedule takes a 'schedule', not a 'learningRate' (use override)");
            }
            case OVERRIDE -> {
                require(learningRate != null, "override needs a 'learningRate'");
                require(schedule == null, "override takes a 'learningRate', not a 'schedule' (use set-schedule)");
            }
            case UNDO, PAUSE, RESUME -> require(schedule == null && learningRate == null,
                    type.wireName() + " takes neither 'schedule' nor 'learningRate'");
            case PREVIEW -> require((schedule == null) != (learningRate == null),
                    "preview needs exactly one of 'schedule' and 'learningRate'");
        }
        require(epochs == null || type == Type.PREVIEW, "'epochs' belongs to preview only");
        require(by != null || type == Type.PREVIEW, type.wireName() + " needs 'by': who sends it is kept in the run's history");
    }

    private static ScheduleSpec schedule(JsonNode node) {
        ObjectNode schedule = object("'schedule'", node);
        requireKnown("'schedule'", schedule, SCHEDULE_FIELDS);
        String kind = text(schedule, "kind", 50);
        Map<String, Double> params = new LinkedHashMap<>();
        if (schedule.hasNonNull("params")) {
            ObjectNode given = object("'schedule.params'", schedule.get("params"));
            for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> param = it.next();
                params.put(param.getKey(), number(given, param.getKey()));
            }
        }
        String monitor = schedule.hasNonNull("monitor") ? text(schedule, "monitor", 50) : null;
        WorkerScaling scaling = schedule.hasNonNull("scaling") ? scaling(schedule.get("scaling")) : null;
        ScheduleSpec spec = new ScheduleSpec(kind, params, monitor, scaling);
        try {
            spec.validate();
        } catch (IllegalArgumentException e) {
            throw invalid("'schedule' is not valid: " + e.getMessage());
        }
        return spec;
    }

    private static WorkerScaling scaling(JsonNode node) {
        ObjectNode scaling = object("'schedule.scaling'", node);
        requireKnown("'schedule.scaling'", scaling, SCALING_FIELDS);
        String rule = text(scaling, "rule", 10);
        WorkerScaling.Rule parsed;
        try {
            parsed = WorkerScaling.Rule.valueOf(rule.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw invalid("'scaling.rule' must be linear, sqrt or none, got '" + rule + "'");
        }
        int warmup = scaling.hasNonNull("warmupEpochs") ? optionalWhole(scaling, "warmupEpochs", 0, 10_000) : 0;
        int reference = scaling.hasNonNull("referenceWorkers") ? optionalWhole(scaling, "referenceWorkers", 1, 100_000) : 1;
        return new WorkerScaling(parsed, warmup, reference);
    }

    private static Type type(ObjectNode root) {
        String name = text(root, "type", 50);
        for (Type type : Type.values()) {
            if (type.wireName().equals(name)) {
                return type;
            }
        }
        Set<String> known = new TreeSet<>();
        for (Type type : Type.values()) {
            known.add(type.wireName());
        }
        throw invalid("unknown command type '" + name + "' (known: " + String.join(", ", known) + ")");
    }

    private static ObjectNode object(String what, JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            throw invalid(what + " must be a JSON object, got " + kindOf(node));
        }
        return object;
    }

    private static void requireKnown(String what, ObjectNode node, Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw invalid("unknown field '" + name + "' in " + what + " (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    private static String id(ObjectNode node, String field) {
        String value = text(node, field, 200);
        require(!value.isBlank(), "'" + field + "' is blank");
        return value;
    }

    private static String text(ObjectNode node, String field, int maxChars) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw invalid("'" + field + "' is missing");
        }
        if (!value.isTextual()) {
            throw invalid("'" + field + "' must be a string, got " + kindOf(value));
        }
        require(value.asText().length() <= maxChars, "'" + field + "' is longer than " + maxChars + " characters");
        return value.asText();
    }

    private static double number(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (!value.isNumber()) {
            throw invalid("'" + field + "' must be a number, got " + kindOf(value));
        }
        double number = value.asDouble();
        require(Double.isFinite(number), "'" + field + "' must be finite, got " + value);
        return number;
    }

    private static int optionalWhole(ObjectNode node, String field, int min, int max) {
        JsonNode value = node.get(field);
        if (!value.isNumber() || value.asDouble() != Math.rint(value.asDouble())) {
            throw invalid("'" + field + "' must be a whole number, got " + kindOf(value) + " " + value);
        }
        double number = value.asDouble();
        require(number >= min && number <= max, "'" + field + "' must be between " + min + " and " + max + ", got " + value);
        return (int) number;
    }

    private static String kindOf(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase();
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw invalid(reason);
        }
    }

    private static InvalidEventException invalid(String reason) {
        return new InvalidEventException(reason);
    }

    private CommandParser() {}
}
