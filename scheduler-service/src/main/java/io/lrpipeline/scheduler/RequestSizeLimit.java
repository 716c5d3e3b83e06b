package io.lrpipeline.scheduler;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a request whose declared body is over {@code quarkus.http.limits.max-body-size} with a JSON reason, before
 * any of it is read. Quarkus refuses it too, one route later, but with an empty 413; this route runs just before.
 * (A chunked body has no length to check up front: over the limit, Quarkus' empty 413 remains.)
 */
@Singleton
public class RequestSizeLimit {
    private final long maxBodyBytes;

    RequestSizeLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.maxBodyBytes = maxBodySize.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(context -> {
            String declared = context.request().getHeader("Content-Length");
            if (declared != null && declared.chars().allMatch(Character::isDigit) && declared.length() < 19
                    && Long.parseLong(declared) > maxBodyBytes) {
                context.response().setStatusCode(413).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                        .end(new JsonObject().put("error", "the request body is " + declared + " bytes, more than the "
                                + maxBodyBytes + " this server reads").encode());
            } else {
                context.next();
            }
        });
    }
}
