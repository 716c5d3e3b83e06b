package io.lrpipeline.broker;

/** The Kafka principals of a secured cluster: one per component, each with its own SCRAM password and ACLs ({@link AccessRules}). */
public enum Principal {
    /** Creates the topics and the ACLs; the broker's own inter-broker principal; a super user. */
    ADMIN("lr-admin"),
    /** The only writer of {@code lr.events}, {@code lr.state}, replies, rejections and its private ledger. */
    SCHEDULER("lr-scheduler"),
    /** Reads its run's rates, writes its metrics. */
    TRAINER("lr-trainer"),
    /** Reads what it turns into TensorBoard files. */
    SINK("lr-sink"),
    /** Sends commands and reads their outcomes. */
    OPERATOR("lr-operator");

    private final String userName;

    Principal(String userName) {
        this.userName = userName;
    }

    public String userName() {
        return userName;
    }

    /** As the authorizer names it: {@code User:lr-trainer}. */
    public String kafkaPrincipal() {
        return "User:" + userName;
    }
}
