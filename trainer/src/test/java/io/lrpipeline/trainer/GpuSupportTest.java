package io.lrpipeline.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GpuSupportTest {
    @ParameterizedTest(name = "{0} ({1}) supported: {2}")
    @CsvSource({
        "Tesla V100-SXM2-16GB, 7.0, true",
        "NVIDIA A100-SXM4-80GB, 8.0, true",
        "NVIDIA GeForce RTX 3090, 8.6, true",
        "NVIDIA L4, 8.9, true",
        "NVIDIA H100 80GB HBM3, 9.0, false",
        "NVIDIA H200, 9.0, false",
        "NVIDIA B200, 10.0, false",
    })
    void acceptsGpusUpToAdaAndRefusesHopperAndNewer(String name, String capability, boolean supported) {
        var problem = GpuSupport.unsupported(List.of("0, " + name + ", " + capability));

        assertThat(problem.isEmpty()).isEqualTo(supported);
        problem.ifPresent(p -> assertThat(p).contains(name).contains(capability).contains("CPU build"));
    }

    @Test
    void refusesWhenAnyOfSeveralGpusIsTooNew() {
        assertThat(GpuSupport.unsupported(List.of("0, NVIDIA A100, 8.0", "1, NVIDIA H100, 9.0"))).isPresent();
    }

    @Test
    void cpuBuildHasNoGpuProblem() {
        assertThat(GpuSupport.problem()).isEmpty();
    }
}
