package io.lrpipeline.scheduler;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The scheduler's own settings ({@code scheduler.*}; env {@code SCHEDULER_DEFAULT_SCHEDULE} and so on). */
@ConfigMapping(prefix = "scheduler")
public interface SchedulerConfig {
    /** Preset a run gets when its first worker joins: {@code inception-v4} (the paper) or {@code keras-step-decay} (the seed). */
    @WithDefault("inception-v4")
    String defaultSchedule();
}
