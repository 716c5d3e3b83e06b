package io.lrpipeline.scheduler;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns what the REST layer throws into a {@link Problem}: the framework's own refusals (unknown path or run, wrong
 * media type or method, a body over {@code quarkus.http.limits.max-body-size}) keep their status with their reason;
 * a caller not known is answered 401 with the Basic challenge (a browser then asks for a user), one without the role
 * 403; anything unexpected is a 500 whose body names an error id, with the stack trace in the log only.
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    /** quarkus.security.users.embedded.realm-name: the realm a browser's login dialog names. */
    private static final String REALM = "lr-pipeline";

    @ServerExceptionMapper
    public Response refused(WebApplicationException e) {
        return Problem.response(e.getResponse().getStatus(), e.getMessage());
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated(RuntimeException e) {
        return Response.fromResponse(Problem.response(401, "who is calling? Log in with HTTP Basic as a user of the scheduler "
                + "(role viewer to read, operator to send commands)")).header("WWW-Authenticate", "Basic realm=\"" + REALM + "\"").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.response(403, "not allowed: reading runs needs the role viewer or operator, sending commands the role operator");
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "HTTP request failed, error id %s", id);
        return Problem.response(500, "internal error " + id + ": the scheduler's log has the details");
    }
}
