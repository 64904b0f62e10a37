package io.kubelite.kinds.batch.job;

import io.kubelite.api.JobSpec;
import io.kubelite.api.SuccessPolicyRule;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.List;

/**
 * The part of kube's {@code validateJobSpec} about what only Indexed Jobs have: the per-index
 * back-off limit and {@code maxFailedIndexes} (with kube's caps for very large Jobs), and the
 * success policy ({@code validateSuccessPolicy}), with kube's field paths and messages.
 */
final class IndexedJobValidation {
    static final int MAX_FAILED_INDEXES = 100_000;
    static final int COMPLETIONS_SOFT_LIMIT = 100_000;
    static final int PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
    static final int MAX_FAILED_INDEXES_FOR_HIGH_COMPLETIONS = 10_000;
    static final int MAX_SUCCESS_POLICY_RULES = 20;
    static final int MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024;

    private IndexedJobValidation() {}

    /** Non-negative limits, and maxFailedIndexes only beside backoffLimitPerIndex (any completion mode). */
    static void limits(JobSpec spec, String path, FieldErrors errs) {
        if (spec.hasBackoffLimitPerIndex() && spec.getBackoffLimitPerIndex() < 0) {
            errs.invalid(
                    path + ".backoffLimitPerIndex",
                    spec.getBackoffLimitPerIndex(),
                    "must be greater than or equal to 0");
        }
        if (spec.hasMaxFailedIndexes()) {
            if (spec.getMaxFailedIndexes() < 0) {
                errs.invalid(
                        path + ".maxFailedIndexes", spec.getMaxFailedIndexes(), "must be greater than or equal to 0");
            }
            if (!spec.hasBackoffLimitPerIndex()) {
                errs.required(path + ".backoffLimitPerIndex", "when maxFailedIndexes is specified");
            }
        }
    }

    /** The checks of an Indexed Job's spec, in kube's order. */
    static void indexed(JobSpec spec, String path, FieldErrors errs) {
        String mfi = path + ".maxFailedIndexes";
        if (spec.hasCompletions() && spec.hasMaxFailedIndexes() && spec.getMaxFailedIndexes() > spec.getCompletions()) {
            errs.invalid(mfi, spec.getMaxFailedIndexes(), "must be less than or equal to completions");
        }
        if (spec.hasMaxFailedIndexes() && spec.getMaxFailedIndexes() > MAX_FAILED_INDEXES) {
            errs.invalid(mfi, spec.getMaxFailedIndexes(), "must be less than or equal to " + MAX_FAILED_INDEXES);
        }
        if (spec.hasCompletions() && spec.getCompletions() > COMPLETIONS_SOFT_LIMIT && spec.hasBackoffLimitPerIndex()) {
            String high =
                    " when completions are above " + COMPLETIONS_SOFT_LIMIT + " and used with backoff limit per index";
            if (!spec.hasMaxFailedIndexes()) {
                errs.required(mfi, "must be specified when completions is above " + COMPLETIONS_SOFT_LIMIT);
            }
            if (spec.hasParallelism() && spec.getParallelism() > PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS) {
                errs.invalid(
                        path + ".parallelism",
                        spec.getParallelism(),
                        "must be less than or equal to " + PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS + high);
            }
            if (spec.hasMaxFailedIndexes() && spec.getMaxFailedIndexes() > MAX_FAILED_INDEXES_FOR_HIGH_COMPLETIONS) {
                errs.invalid(
                        mfi,
                        spec.getMaxFailedIndexes(),
                        "must be less than or equal to " + MAX_FAILED_INDEXES_FOR_HIGH_COMPLETIONS + high);
            }
        }
    }

    /** What a NonIndexed Job may not set. */
    static void nonIndexed(JobSpec spec, String path, FieldErrors errs) {
        if (spec.hasBackoffLimitPerIndex()) {
            errs.invalid(
                    path + ".backoffLimitPerIndex", spec.getBackoffLimitPerIndex(), "requires indexed completion mode");
        }
        if (spec.hasMaxFailedIndexes()) {
            errs.invalid(path + ".maxFailedIndexes", spec.getMaxFailedIndexes(), "requires indexed completion mode");
        }
    }

    /** kube's {@code validateSuccessPolicy} and {@code validateSuccessPolicyRule} (Indexed Jobs only). */
    static void successPolicy(JobSpec spec, String path, FieldErrors errs) {
        List<SuccessPolicyRule> rules = spec.getSuccessPolicy().getRulesList();
        String rulesPath = path + ".rules";
        if (rules.isEmpty()) {
            errs.required(rulesPath, "at least one rules must be specified when the successPolicy is specified");
        }
        if (rules.size() > MAX_SUCCESS_POLICY_RULES) {
            errs.tooMany(rulesPath, rules.size(), MAX_SUCCESS_POLICY_RULES);
        }
        // kube reads completions unguarded here; without them the Job already has a
        // "Required value" error, and the checks that need them are skipped
        boolean hasCompletions = spec.hasCompletions();
        int completions = spec.getCompletions();
        for (int i = 0; i < rules.size(); i++) {
            SuccessPolicyRule r = rules.get(i);
            String rp = rulesPath + "[" + i + "]";
            if (!r.hasSucceededCount() && !r.hasSucceededIndexes()) {
                errs.required(rp, "at least one of succeededCount or succeededIndexes must be specified");
            }
            int totalIndexes = 0;
            if (r.hasSucceededIndexes()) {
                String ip = rp + ".succeededIndexes";
                String ix = r.getSucceededIndexes();
                if (ix.length() > MAX_SUCCEEDED_INDEXES_LENGTH) {
                    errs.tooLong(ip, MAX_SUCCEEDED_INDEXES_LENGTH);
                }
                if (hasCompletions) {
                    try {
                        totalIndexes = IndexIntervalsFormat.total(ix, completions);
                    } catch (IllegalArgumentException e) {
                        errs.invalid(ip, ix, "error parsing succeededIndexes: " + e.getMessage());
                    }
                }
            }
            if (r.hasSucceededCount()) {
                String cp = rp + ".succeededCount";
                int count = r.getSucceededCount();
                if (count < 0) {
                    errs.invalid(cp, count, "must be greater than or equal to 0");
                }
                if (hasCompletions && count > completions) {
                    errs.invalid(
                            cp,
                            count,
                            "must be less than or equal to " + completions + " (the number of specified completions)");
                }
                if (hasCompletions && r.hasSucceededIndexes() && count > totalIndexes) {
                    errs.invalid(
                            cp,
                            count,
                            "must be less than or equal to " + totalIndexes
                                    + " (the number of indexes in the specified succeededIndexes field)");
                }
            }
        }
    }
}
