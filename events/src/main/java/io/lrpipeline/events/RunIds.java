package io.lrpipeline.events;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a run or worker id may be. Each one names a directory of the log-sink's log directory ({@code <run>/<worker>}),
 * as it is: so that two ids never share a directory (a sanitised {@code a/b} would be {@code a_b}) and an id is never a
 * path ({@code ../x}), ids are refused at the edges rather than rewritten. The rule is Kafka's for topic names, with
 * no leading {@code .} (hidden, and the sink's own {@code .log-sink}) or {@code -} (read as an option).
 */
public final class RunIds {
    public static final String RULE = "1 to 200 letters, digits, '.', '_' or '-', not starting with '.' or '-'";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,199}");

    /** Why {@code value} is not a valid {@code field} (run or worker id), or empty when it is one. */
    public static Optional<String> problem(String field, String value) {
        if (value == null || value.isEmpty()) {
            return Optional.of(field + " is missing");
        }
        if (!NAME.matcher(value).matches()) {
            String shown = value.length() > 60 ? value.substring(0, 60) + "…" : value;
            return Optional.of(field + " '" + shown + "' is not a valid id: it names a TensorBoard directory, so it must be " + RULE);
        }
        return Optional.empty();
    }

    private RunIds() {}
}
