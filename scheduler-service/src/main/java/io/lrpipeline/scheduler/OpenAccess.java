package io.lrpipeline.scheduler;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * With {@code scheduler.auth.enabled=false} (the local quick start, which listens on 127.0.0.1 only and says so):
 * an unauthenticated caller gets both roles, and stays anonymous, so a command's {@code by} is what its body says.
 * With authentication on (the default) this changes nothing: an anonymous caller has no role and is answered 401.
 */
@ApplicationScoped
class OpenAccess implements SecurityIdentityAugmentor {
    private final boolean open;

    OpenAccess(SchedulerConfig config) {
        this.open = !config.authEnabled();
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (!open || !identity.isAnonymous()) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder(identity).addRole(Roles.VIEWER).addRole(Roles.OPERATOR).build());
    }
}
