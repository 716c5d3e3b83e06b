package io.lrpipeline.lrctl;

import io.lrpipeline.broker.AccessRules;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lrctl acls}: what each component's principal may do on a secured cluster. */
@Command(name = "acls", mixinStandardHelpOptions = true,
        description = "Sets the ACLs of a secured cluster: each component's principal may do its job and nothing else"
                + " (only the scheduler writes lr.events and lr.state). Run it as a super user (lr-admin).")
final class AclsCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (Admin admin = kafka.connectedAdmin()) {
            AccessRules.grant(admin);
        }
        spec.commandLine().getOut().println("set " + AccessRules.GRANTS.size() + " ACLs for "
                + AccessRules.GRANTS.stream().map(grant -> grant.principal().userName()).distinct().toList());
        return 0;
    }
}
