package io.lrpipeline.trainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Whether the CUDA build of DL4J can run on this machine's GPUs, asked before ND4J loads its natives.
 * DL4J 1.0.0-M2.1's {@code nd4j-cuda-11.6} ships kernels for sm_37 … sm_86 and no PTX: GPUs of compute
 * capability 9.0 and newer (Hopper: H100, H200; Blackwell) cannot run them, and fail obscurely if tried.
 */
public final class GpuSupport {
    static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";
    private static final int NEWEST_SUPPORTED_MAJOR = 8;

    /** A reason to refuse the CUDA backend here, or empty when it can run (or this is the CPU build). */
    public static Optional<String> problem() {
        if (!cudaBackendPresent()) {
            return Optional.empty();
        }
        try {
            Process smi = new ProcessBuilder("nvidia-smi", "--query-gpu=index,name,compute_cap", "--format=csv,noheader")
                    .redirectErrorStream(true).start();
            String output = new String(smi.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!smi.waitFor(30, TimeUnit.SECONDS) || smi.exitValue() != 0) {
                return Optional.of("this trainer is the CUDA build, but nvidia-smi found no usable GPU: " + output.strip()
                        + ". Use the CPU trainer (default build; docker compose --profile cpu).");
            }
            return unsupported(output.lines().toList());
        } catch (IOException e) {
            return Optional.of("this trainer is the CUDA build, but there is no NVIDIA driver (nvidia-smi not found)."
                    + " Use the CPU trainer (default build; docker compose --profile cpu).");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while asking nvidia-smi about the GPUs");
        }
    }

    /** Judges {@code nvidia-smi --query-gpu=index,name,compute_cap --format=csv,noheader} lines. */
    static Optional<String> unsupported(List<String> gpus) {
        for (String gpu : gpus) {
            String[] fields = gpu.split(",");
            if (fields.length < 3) {
                continue;
            }
            String capability = fields[fields.length - 1].strip();
            int major = Integer.parseInt(capability.substring(0, capability.indexOf('.') < 0 ? capability.length() : capability.indexOf('.')));
            if (major > NEWEST_SUPPORTED_MAJOR) {
                return Optional.of(("GPU %s (%s) has compute capability %s, but DL4J 1.0.0-M2.1's CUDA 11.6 build only has"
                        + " kernels for compute capability 3.7 to 8.6 (Kepler to Ampere/Ada) and no PTX to compile for newer"
                        + " GPUs such as Hopper (H100/H200). Train on the CPU build instead (the default; docker compose"
                        + " --profile cpu), or on a GPU of compute capability 8.9 or lower.")
                        .formatted(fields[0].strip(), fields[1].strip(), capability));
            }
        }
        return Optional.empty();
    }

    private static boolean cudaBackendPresent() {
        try {
            Class.forName(CUDA_BACKEND, false, GpuSupport.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private GpuSupport() {}
}
