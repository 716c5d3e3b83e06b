package io.lrpipeline.scheduler;

/** The roles of the scheduler's HTTP users (Quarkus's embedded properties realm, see application.properties). */
final class Roles {
    /** Reads runs, their history and the page. */
    static final String VIEWER = "viewer";
    /** Also sends commands. */
    static final String OPERATOR = "operator";

    private Roles() {}
}
