package io.kubelite.kinds.core.pod;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.kubelite.api.ConfigMapVolumeSource;
import io.kubelite.api.DownwardAPIVolumeFile;
import io.kubelite.api.KeyToPath;
import io.kubelite.api.Volume;
import io.kubelite.api.VolumeMount;
import io.kubelite.api.VolumeProjection;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube's {@code validateVolumes} and {@code ValidateVolumeMounts} for what users get wrong most:
 * volume names (required, DNS labels, unique), exactly one volume source per volume, file modes in
 * 0-0777, and mounts that name a volume of the pod at a unique path. kube-apiserver's field paths
 * and messages.
 */
final class PodVolumeValidation {
    /** kube's fileModeErrorMsg. */
    static final String FILE_MODE = "must be a number between 0 and 0777 (octal), both inclusive";

    private PodVolumeValidation() {}

    /** Validates the volumes and returns the names of the valid ones (what mounts may refer to). */
    static Set<String> volumes(List<Volume> volumes, String path, FieldErrors errs) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < volumes.size(); i++) {
            Volume v = volumes.get(i);
            String p = path + "[" + i + "]";
            if (v.getName().isEmpty()) {
                errs.required(p + ".name");
            } else {
                String err = Names.dns1123LabelError(v.getName());
                if (err != null) {
                    errs.invalid(p + ".name", v.getName(), err);
                } else if (!names.add(v.getName())) {
                    errs.duplicate(p + ".name", v.getName());
                }
            }
            List<String> sources = setSources(v);
            if (sources.isEmpty()) {
                errs.required(p, "must specify a volume type");
            }
            for (int s = 1; s < sources.size(); s++) {
                errs.forbidden(p + "." + sources.get(s), "may not specify more than 1 volume type");
            }
            modes(v, p, errs);
        }
        return names;
    }

    /** The JSON names of the volume sources a volume sets, in declaration order. */
    static List<String> setSources(Volume v) {
        List<String> out = new ArrayList<>();
        for (FieldDescriptor f : Volume.getDescriptor().getFields()) {
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && v.hasField(f)) {
                out.add(f.getJsonName());
            }
        }
        return out;
    }

    private static void modes(Volume v, String p, FieldErrors errs) {
        if (v.hasSecret()) {
            if (v.getSecret().hasDefaultMode()) {
                mode(p + ".secret.defaultMode", v.getSecret().getDefaultMode(), errs);
            }
            items(v.getSecret().getItemsList(), p + ".secret.items", errs);
        }
        if (v.hasConfigMap()) {
            ConfigMapVolumeSource c = v.getConfigMap();
            if (c.hasDefaultMode()) {
                mode(p + ".configMap.defaultMode", c.getDefaultMode(), errs);
            }
            items(c.getItemsList(), p + ".configMap.items", errs);
        }
        if (v.hasDownwardApi()) {
            if (v.getDownwardApi().hasDefaultMode()) {
                mode(p + ".downwardAPI.defaultMode", v.getDownwardApi().getDefaultMode(), errs);
            }
            files(v.getDownwardApi().getItemsList(), p + ".downwardAPI.items", errs);
        }
        if (v.hasProjected()) {
            if (v.getProjected().hasDefaultMode()) {
                mode(p + ".projected.defaultMode", v.getProjected().getDefaultMode(), errs);
            }
            for (int i = 0; i < v.getProjected().getSourcesCount(); i++) {
                VolumeProjection s = v.getProjected().getSources(i);
                String sp = p + ".projected.sources[" + i + "]";
                items(s.getSecret().getItemsList(), sp + ".secret.items", errs);
                items(s.getConfigMap().getItemsList(), sp + ".configMap.items", errs);
                files(s.getDownwardApi().getItemsList(), sp + ".downwardAPI.items", errs);
            }
        }
    }

    private static void items(List<KeyToPath> items, String path, FieldErrors errs) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).hasMode()) {
                mode(path + "[" + i + "].mode", items.get(i).getMode(), errs);
            }
        }
    }

    private static void files(List<DownwardAPIVolumeFile> items, String path, FieldErrors errs) {
        for (int i = 0; i < items.size(); i++) {
            DownwardAPIVolumeFile f = items.get(i);
            String p = path + "[" + i + "]";
            if (f.hasMode()) {
                mode(p + ".mode", f.getMode(), errs);
            }
            if (f.hasFieldRef() && f.hasResourceFieldRef()) {
                errs.invalid(p, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously");
            } else if (!f.hasFieldRef() && !f.hasResourceFieldRef()) {
                errs.required(p, "one of fieldRef and resourceFieldRef is required");
            }
        }
    }

    private static void mode(String path, int mode, FieldErrors errs) {
        if (mode < 0 || mode > 0777) {
            errs.invalid(path, mode, FILE_MODE);
        }
    }

    /**
     * kube's ValidateVolumeMounts: a mount names a volume of the pod ({@code volumes}; null when
     * any name goes) and has a unique, set path.
     */
    static void mounts(List<VolumeMount> mounts, Set<String> volumes, String path, FieldErrors errs) {
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < mounts.size(); i++) {
            VolumeMount m = mounts.get(i);
            String p = path + "[" + i + "]";
            if (m.getName().isEmpty()) {
                errs.required(p + ".name");
            } else if (volumes != null && !volumes.contains(m.getName())) {
                errs.notFound(p + ".name", m.getName());
            }
            if (m.getMountPath().isEmpty()) {
                errs.required(p + ".mountPath");
            } else if (!paths.add(m.getMountPath())) {
                errs.invalid(p + ".mountPath", m.getMountPath(), "must be unique");
            }
        }
    }
}
