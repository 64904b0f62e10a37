package io.kubelite.kinds.core.limitrange;

import io.kubelite.api.LimitRange;
import io.kubelite.api.LimitRangeItem;
import io.kubelite.api.Quantity;
import io.kubelite.api.QuantityFormatException;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.core.resourcequota.ResourceNames;
import io.kubelite.kinds.validation.FieldErrors;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * kube's {@code ValidateLimitRange}: one item per type, no defaults for type Pod, resource
 * names as kube allows them, non-negative quantities, and for each resource
 * {@code min <= defaultRequest <= default <= max} and {@code 1 <= maxLimitRequestRatio <= max/min}.
 */
final class LimitRangeStrategy implements Strategy<LimitRange> {

    /**
     * kube's {@code SetDefaults_LimitRangeItem} for type Container: an unset default limit is
     * the max, an unset default request the default limit, else the min.
     */
    @Override
    public LimitRange defaults(LimitRange lr) {
        LimitRange.Builder b = lr.toBuilder();
        for (LimitRangeItem.Builder item : b.getSpecBuilder().getLimitsBuilderList()) {
            if (!item.getType().equals(LimitRanges.CONTAINER)) {
                continue;
            }
            item.getMaxMap().forEach((k, v) -> {
                if (!item.containsDefault(k)) {
                    item.putDefault(k, v);
                }
            });
            item.getDefaultMap().forEach((k, v) -> {
                if (!item.containsDefaultRequest(k)) {
                    item.putDefaultRequest(k, v);
                }
            });
            item.getMinMap().forEach((k, v) -> {
                if (!item.containsDefaultRequest(k)) {
                    item.putDefaultRequest(k, v);
                }
            });
        }
        return b.build();
    }

    @Override
    public void validate(LimitRange lr, FieldErrors errs) {
        Set<String> types = new HashSet<>();
        for (int i = 0; i < lr.getSpec().getLimitsCount(); i++) {
            LimitRangeItem item = lr.getSpec().getLimits(i);
            String path = "spec.limits[" + i + "]";
            if (!types.add(item.getType())) {
                errs.duplicate(path + ".type", item.getType());
            }
            if (item.getType().equals(LimitRanges.POD)) {
                if (item.getDefaultCount() > 0) {
                    errs.forbidden(path + ".default", "may not be specified when `type` is 'Pod'");
                }
                if (item.getDefaultRequestCount() > 0) {
                    errs.forbidden(path + ".defaultRequest", "may not be specified when `type` is 'Pod'");
                }
            }
            Map<String, BigDecimal> max = quantities(item.getMaxMap(), path + ".max", errs);
            Map<String, BigDecimal> min = quantities(item.getMinMap(), path + ".min", errs);
            Map<String, BigDecimal> def = quantities(item.getDefaultMap(), path + ".default", errs);
            Map<String, BigDecimal> defReq = quantities(item.getDefaultRequestMap(), path + ".defaultRequest", errs);
            Map<String, BigDecimal> ratio =
                    quantities(item.getMaxLimitRequestRatioMap(), path + ".maxLimitRequestRatio", errs);
            Set<String> keys = new HashSet<>();
            keys.addAll(max.keySet());
            keys.addAll(min.keySet());
            keys.addAll(def.keySet());
            keys.addAll(defReq.keySet());
            keys.addAll(ratio.keySet());
            for (String k : keys) {
                BigDecimal mx = max.get(k);
                BigDecimal mn = min.get(k);
                BigDecimal d = def.get(k);
                BigDecimal dr = defReq.get(k);
                BigDecimal r = ratio.get(k);
                String mxs = item.getMaxMap().get(k);
                String mns = item.getMinMap().get(k);
                String ds = item.getDefaultMap().get(k);
                String drs = item.getDefaultRequestMap().get(k);
                if (mn != null && mx != null && mn.compareTo(mx) > 0) {
                    errs.invalid(
                            path + ".min[" + k + "]", mns, "min value " + mns + " is greater than max value " + mxs);
                }
                if (dr != null && mn != null && mn.compareTo(dr) > 0) {
                    errs.invalid(
                            path + ".defaultRequest[" + k + "]",
                            drs,
                            "min value " + mns + " is greater than default request value " + drs);
                }
                if (dr != null && mx != null && dr.compareTo(mx) > 0) {
                    errs.invalid(
                            path + ".defaultRequest[" + k + "]",
                            drs,
                            "default request value " + drs + " is greater than max value " + mxs);
                }
                if (dr != null && d != null && dr.compareTo(d) > 0) {
                    errs.invalid(
                            path + ".defaultRequest[" + k + "]",
                            drs,
                            "default request value " + drs + " is greater than default limit value " + ds);
                }
                if (d != null && mn != null && mn.compareTo(d) > 0) {
                    errs.invalid(
                            path + ".default[" + k + "]",
                            ds,
                            "min value " + mns + " is greater than default value " + ds);
                }
                if (d != null && mx != null && d.compareTo(mx) > 0) {
                    errs.invalid(
                            path + ".default[" + k + "]",
                            ds,
                            "default value " + ds + " is greater than max value " + mxs);
                }
                if (r != null) {
                    String rs = item.getMaxLimitRequestRatioMap().get(k);
                    if (r.compareTo(BigDecimal.ONE) < 0) {
                        errs.invalid(path + ".maxLimitRequestRatio[" + k + "]", rs, "ratio " + rs + " is less than 1");
                    }
                    if (mx != null && mn != null && mn.signum() > 0) {
                        BigDecimal maxRatio = mx.divide(mn, java.math.MathContext.DECIMAL64);
                        if (r.compareTo(maxRatio) > 0) {
                            errs.invalid(
                                    path + ".maxLimitRequestRatio[" + k + "]",
                                    rs,
                                    "ratio " + rs + " is greater than max/min = "
                                            + String.format("%f", maxRatio.doubleValue()));
                        }
                    }
                }
            }
        }
    }

    /** The parsed quantities of {@code m}; a bad name or quantity is reported and left out. */
    private static Map<String, BigDecimal> quantities(Map<String, String> m, String path, FieldErrors errs) {
        Map<String, BigDecimal> out = new java.util.HashMap<>();
        m.forEach((k, v) -> {
            String nameErr = ResourceNames.nameError(k);
            if (nameErr != null) {
                errs.invalid(path + "[" + k + "]", k, nameErr);
                return;
            }
            try {
                BigDecimal q = Quantity.parse(v);
                if (q.signum() < 0) {
                    errs.invalid(path + "[" + k + "]", v, "must be greater than or equal to 0");
                    return;
                }
                out.put(k, q);
            } catch (QuantityFormatException e) {
                errs.invalid(path + "[" + k + "]", v, e.getMessage());
            }
        });
        return out;
    }
}
