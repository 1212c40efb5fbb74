"""The detector's parameters, each with the physiological or technical reason for its value."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DetectorConfig:
    # Internal grid: 50 Hz resolves a 0.3 s rise and a quick lift with 20 ms steps.
    fs: float = 50.0
    # A raw sample jumping this far (cmH2O or degrees) from the last one is checked against
    # its successor: a lone spike is a glitch, a real edge rises over several samples.
    glitch_jump: float = 20.0
    # Raw intervals longer than this are gaps (not interpolated across).
    gap_s: float = 0.3
    # Causal low-pass for decisions: passes a contraction's rise, removes sensor noise.
    lowpass_hz: float = 8.0
    # k (abdominal → squeeze transmission), learned from breathing at rest.
    k_prior: float = 0.5
    k_prior_weight_s: float = 8.0  # the prior counts like this many seconds of breathing
    k_memory_s: float = 90.0
    k_max: float = 1.2
    # Frames: baseline, noise and k are updated once a frame of rest.
    frame_s: float = 0.5
    baseline_tau_s: float = 3.0
    baseline_up_cmH2O_s: float = 0.35  # warm-up drift is slower than this
    baseline_down_cmH2O_s: float = 3.0
    # Onset: low level plus a real upward slope, or a clearly raised level.
    onset_level_min: float = 0.8
    onset_level_sigmas: float = 3.0
    onset_slope_min: float = 4.0  # cmH2O/s
    onset_slope_sigmas: float = 3.0
    onset_high_min: float = 2.5
    onset_high_sigmas: float = 5.0
    onset_run: int = 1  # grid samples; 2 would add 20 ms latency and save 0.3 false onsets/min
    slope_span: int = 3  # samples over which the causal slope is taken
    # A repetition must reach this above its starting level (weak contractions are ~8;
    # a sigh seen by a squeeze-only balloon reaches 2–4).
    min_amplitude: float = 4.0
    min_amplitude_sigmas: float = 5.0
    # ... and from the slow swings at rest (breathing seen by the squeeze balloon).
    slow_sigmas_amplitude: float = 4.0
    slow_sigmas_high: float = 3.0
    rerise_window_s: float = 2.0
    # Coughs, sneezes and movement spikes are narrower than voluntary contractions (width
    # at half height). A quick contraction on its own (not the next of a series, below)
    # takes ~0.15 s to rise and ~0.2 s to let go: 0.24 s and wider at half height; a knock
    # of the probe is over in 0.1-0.5 s (0.25 s and narrower). Or, up to 0.6 s wide,
    # rise ballistically (10-90 % interpolated on the 8 Hz low-pass: coughs 0.04-0.07 s,
    # fast voluntary rises from ~0.075 s) or carry a passing ballistic abdominal spike, or
    # an abdominal impulse that is over while the reflex twitch still holds the squeeze up.
    min_width_s: float = 0.24
    # ... but a fast contraction may measure 0.15 s when it rises as a muscle does, the
    # 10-90 % rise no faster than this (movement knocks: 0.06 s and less; 0.09 accepted
    # more knocks in training sessions, 0.11 lost more fast contractions)
    narrow_width_s: float = 0.15
    voluntary_rise_s: float = 0.10
    # ... and in a train of quick contractions (the one before had no hold and ended at
    # most train_gap_s before this onset; one of the train's last train_span_s was about
    # as big) a rise that is not ballistic
    # counts down to this width: the fastest of a series of fast contractions measure
    # 0.13-0.2 s with 10-90 % rises of 0.07-0.1 s, where knocks lie too; a knock that
    # size within 2 s of her last quick contraction is the rarer of the two
    train_width_s: float = 0.12
    train_gap_s: float = 2.0
    train_span_s: float = 10.0
    train_hold_max_s: float = 0.5
    train_amp_ratio: tuple[float, float] = (0.6, 1.6)
    spike_max_width_s: float = 0.6
    spike_rise_s: float = 0.07
    # ... as seen at 50 Hz and faster. A slower probe spreads a cough's 50-100 ms rise over
    # its samples (two at 25 Hz) and the interpolation and low-pass stretch it: the limit
    # grows by this share of each millisecond the raw sample interval exceeds 20 ms
    # (25 Hz: 0.085 s; still under the ~0.1 s a fast voluntary rise measures there).
    spike_rise_per_raw_dt: float = 0.75
    spike_top_dwell_s: float = 0.15  # ... unless it then stays near its top this long
    cough_abdominal_min: float = 8.0  # cmH2O: far beyond a breath
    # A cough's or sneeze's abdominal pressure rises to its top in 50-100 ms (the glottis
    # opens on pressure built against it): 0.06-0.12 s from its last sample under a tenth
    # of the top, on the grid from 25 to 200 Hz; straining rises with the contraction,
    # 0.16 s and slower. While such an impulse is up, the rise under it waits (up to
    # cough_wait_s after the impulse's top) to be judged once the impulse has passed.
    cough_abdominal_rise_s: float = 0.14
    cough_wait_s: float = 0.5
    spike_refractory_s: float = 0.6  # a cough's reflex twitch and tail follow it
    spike_settle_s: float = 0.2
    # Hold: the rise has levelled off when its slope is below this share of its steepest.
    plateau_fraction: float = 0.2
    # Release: the level falls below this share of the recent hold level.
    release_fraction: float = 0.65  # an incomplete release may stay at half the hold
    hold_ref_s: float = 1.5
    # Quick lifts on top of the hold, decided on a 4 Hz low-pass (a lift lasts >= 0.3 s;
    # 3 Hz merged lifts 0.6 s apart) and timed on the unlagged signal.
    lift_lowpass_hz: float = 4.0
    lift_min: float = 1.5
    lift_sigmas: float = 4.0
    lift_slow_sigmas: float = 3.0  # breathing ripples on a squeeze-only hold are not lifts
    lift_fraction: float = 0.08  # a rise this big is followed as a possible lift ...
    # ... and confirmed only when it stands out from the hold's own tremor (a sustained
    # contraction wobbles by a few % of its force at 0.1-2 Hz): at least 11 % of the hold
    # (docs/design.md: a lift is about an eighth of the hold above it; the margin is for a lift
    # that starts from a tremor peak) and this much more than the largest rise the tremor
    # made, within lift_max_rise_s, on the hold before it.
    lift_hold_fraction: float = 0.11
    # (1.5: the largest swing of a random wobble grows with the time it is watched; a rise
    # as big as a lift is not counted as tremor, so the margin can be wide)
    lift_over_tremor: float = 1.5
    tremor_min_s: float = 1.0  # hold seen before a lift, to know its tremor
    lift_max_rise_s: float = 0.7
    lift_after_hold_s: float = 0.8  # lifts come on top of a hold, not as it begins
    lift_max_fall_s: float = 0.7  # a quick lift falls back promptly; fatigue sags slowly
    # A rise that does not come back down within this long is a new resting level (a
    # posture shift, the probe slipping, the balloon settling), not a repetition.
    level_shift_s: float = 30.0
    # A residual standing steady through repetitions this long is where rest is now: each
    # release of a run that does not let go is judged against rest on its own, but a level
    # unchanged through a minute of repetitions is more often a probe or posture that moved
    # than a pelvic floor that never let go (30 s missed runs of four; longer let one slip
    # flag a whole session: docs/signal.md, session 8).
    residual_level_s: float = 60.0
    # End of the fall: slope back to this share of the steepest fall.
    fall_end_fraction: float = 0.15
    # Incomplete release: judged this long after the fall, over the rest after it.
    residual_delay_s: float = 0.3
    residual_decide_s: float = 2.0
    residual_min: float = 1.5
    residual_fraction: float = 0.15
    residual_sigmas: float = 3.0
    # Technique errors.
    push_pelvic_ratio: float = 0.35  # pelvic-floor share of the squeeze rise below this
    push_abdominal_min: float = 3.0
    # A rise the abdomen carries with the probe not tilting down is a deep breath; judged
    # on the top just reached, not on a longer stretch that may reach back into a breath
    # a contraction started on.
    breath_top_s: float = 0.4
    tilt_min_deg: float = 0.8
    tilt_sigmas: float = 4.0
    bracing_ratio: float = 0.4  # docs/design.md: half the pelvic-floor rise is bracing
    bracing_min_cmH2O: float = 1.0  # ... and the abdominal rise stands out from breathing
    bracing_sigmas: float = 1.5
    bracing_early_s: float = 0.6  # a hold judged before its end: at least this much of it
    bracing_coupling: float = 0.3  # a hold under bracing_short_s: the abdomen rose with it
    bracing_short_s: float = 2.0
    breath_window_s: float = 4.0  # rest windows for breathing size and k
    breath_hold_s: float = 5.5  # docs/design.md: a hold of about 6 s or more is needed to tell
    breath_ratio: float = 0.25  # docs/design.md: a swing under about a quarter of its size at rest
    breath_still_frames: int = 2  # frames in a row a stretch must show no breath (~6 s of hold)
    breath_gone_ratio: float = 0.1  # ... or one stretch this still (a hold just 6 s long)
    breath_default_rms: float = 0.7
    # Retrospective smoothing (samples) for timing.
    smooth_sigma: float = 2.5
    history_s: float = 60.0
