package io.lrpipeline.broker;

/**
 * Where a single-node broker listens ({@code bindHost}, empty for every interface) and the name its clients and its
 * own controller reach it by ({@code advertisedHost}); {@code port} is the client listener, {@code controllerPort}
 * the KRaft controller's.
 */
public record Listeners(String bindHost, String advertisedHost, int port, int controllerPort) {
    /** This machine only, as the local run and the tests have it. */
    public static Listeners loopback(int port, int controllerPort) {
        return new Listeners("127.0.0.1", "127.0.0.1", port, controllerPort);
    }

    /** {@code listeners}, the client listener named {@code clientListener}. */
    String bound(String clientListener) {
        return clientListener + "://" + bindHost + ":" + port + ",CONTROLLER://" + bindHost + ":" + controllerPort;
    }

    /** {@code advertised.listeners}. */
    String advertised(String clientListener) {
        return clientListener + "://" + advertisedHost + ":" + port;
    }

    /** {@code controller.quorum.bootstrap.servers}. */
    String controller() {
        return advertisedHost + ":" + controllerPort;
    }
}
