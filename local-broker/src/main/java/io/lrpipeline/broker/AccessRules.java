package io.lrpipeline.broker;

import io.lrpipeline.events.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What each principal of a secured cluster may do; everything else is denied (the StandardAuthorizer allows nothing
 * without an ACL). Only the scheduler writes what trainers apply: a trainer's credentials cannot forge an event.
 */
public final class AccessRules {
    /** One grant: {@code operation} on the resource named {@code name} (a prefix where {@code pattern} is PREFIXED). */
    public record Grant(Principal principal, ResourceType type, PatternType pattern, String name, AclOperation operation) {
        AclBinding binding() {
            return new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry(principal.kafkaPrincipal(), "*", operation, AclPermissionType.ALLOW));
        }
    }

    /** The consumer group of the scheduler's instances, and the prefix of its transactional ids. */
    public static final String SCHEDULER_GROUP = "lr-scheduler";
    /** The prefix of the sink's consumer groups ({@code log-sink}, {@code log-sink-replay}). */
    public static final String SINK_GROUPS = "log-sink";

    public static final List<Grant> GRANTS = grants();

    private AccessRules() {}

    private static List<Grant> grants() {
        List<Grant> grants = new ArrayList<>();
        read(grants, Principal.TRAINER, Topics.LR_EVENTS, Topics.STATE);
        write(grants, Principal.TRAINER, Topics.TRAINING_METRICS);

        // Its own outputs too: a scheduler taking over a run restores it from them (TopicHistory, RunsView).
        read(grants, Principal.SCHEDULER, Topics.TRAINING_METRICS, Topics.COMMANDS, Topics.LR_EVENTS, Topics.STATE,
                Topics.COMMANDS_REPLIES, Topics.SCHEDULER_APPLIED, Topics.SCHEDULER_UNDO);
        write(grants, Principal.SCHEDULER, Topics.LR_EVENTS, Topics.STATE, Topics.COMMANDS_REJECTED, Topics.COMMANDS_REPLIES,
                Topics.SCHEDULER_APPLIED, Topics.SCHEDULER_UNDO, Topics.COMMANDS);
        grants.add(new Grant(Principal.SCHEDULER, ResourceType.GROUP, PatternType.LITERAL, SCHEDULER_GROUP, AclOperation.READ));
        grants.add(new Grant(Principal.SCHEDULER, ResourceType.TRANSACTIONAL_ID, PatternType.PREFIXED, SCHEDULER_GROUP + "-",
                AclOperation.WRITE));

        read(grants, Principal.SINK, Topics.LR_EVENTS, Topics.TRAINING_METRICS, Topics.STATE, Topics.COMMANDS_REJECTED);
        grants.add(new Grant(Principal.SINK, ResourceType.GROUP, PatternType.PREFIXED, SINK_GROUPS, AclOperation.READ));

        // lrctl over Kafka: runs from lr.state, each worker's applied rates and epochs from training.metrics.
        write(grants, Principal.OPERATOR, Topics.COMMANDS);
        read(grants, Principal.OPERATOR, Topics.COMMANDS_REPLIES, Topics.STATE, Topics.TRAINING_METRICS);
        return List.copyOf(grants);
    }

    private static void read(List<Grant> grants, Principal principal, String... topics) {
        for (String topic : topics) {
            grants.add(new Grant(principal, ResourceType.TOPIC, PatternType.LITERAL, topic, AclOperation.READ));
        }
    }

    private static void write(List<Grant> grants, Principal principal, String... topics) {
        for (String topic : topics) {
            grants.add(new Grant(principal, ResourceType.TOPIC, PatternType.LITERAL, topic, AclOperation.WRITE));
        }
    }

    /** Sets every grant on the cluster {@code admin} speaks to; creating an ACL that exists changes nothing. */
    public static void grant(Admin admin) {
        try {
            admin.createAcls(bindings()).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot set the ACLs: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting the ACLs", e);
        }
    }

    /** The grants as Kafka's ACL bindings, for {@code Admin.createAcls}. */
    public static List<AclBinding> bindings() {
        return GRANTS.stream().map(Grant::binding).toList();
    }
}
