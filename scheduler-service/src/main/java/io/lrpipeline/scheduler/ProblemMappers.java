package io.lrpipeline.scheduler;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns what the REST layer throws into a {@link Problem}: the framework's own refusals (unknown path or run, wrong
 * media type or method, a body over {@code quarkus.http.limits.max-body-size}) keep their status with their reason;
 * anything unexpected is a 500 whose body names an error id, with the stack trace in the log only.
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response refused(WebApplicationException e) {
        return Problem.response(e.getResponse().getStatus(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "HTTP request failed, error id %s", id);
        return Problem.response(500, "internal error " + id + ": the scheduler's log has the details");
    }
}
