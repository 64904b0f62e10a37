package io.kubelite.dashboard.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.dashboard.view.Json;
import io.kubelite.dashboard.view.ViewModel;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What goes to the browser after a render: only the rows that changed, the keys gone, the summary if it moved. */
class ViewDiffTest {
    static ViewModel model(int count, String... rows) {
        Map<String, ObjectNode> items = new TreeMap<>();
        for (int i = 0; i < rows.length; i += 2) {
            items.put(rows[i], Json.object().put("status", rows[i + 1]));
        }
        return new ViewModel(Json.object().put("count", count), items);
    }

    @Test
    void onlyChangedRowsRemovedKeysAndAMovedSummaryAreSent() {
        ViewModel before = model(2, "default/a", "Running", "default/b", "Pending");
        ViewModel after = model(2, "default/a", "Running", "default/b", "Running", "default/c", "Pending");
        assertThat(ViewDiff.between(before, after).toString())
                .isEqualTo("{\"upserts\":{\"default/b\":{\"status\":\"Running\"},"
                        + "\"default/c\":{\"status\":\"Pending\"}},\"removals\":[]}");
        ViewModel gone = model(1, "default/a", "Running");
        assertThat(ViewDiff.between(before, gone).toString())
                .isEqualTo("{\"summary\":{\"count\":1},\"upserts\":{},\"removals\":[\"default/b\"]}");
    }

    @Test
    void anUnchangedRenderSendsNothing() {
        assertThat(ViewDiff.between(model(1, "x", "Running"), model(1, "x", "Running")))
                .isNull();
    }

    @Test
    void aSnapshotHoldsTheSummaryAndEveryRow() {
        assertThat(ViewDiff.snapshotJson(model(1, "x", "Running")))
                .isEqualTo("{\"summary\":{\"count\":1},\"items\":{\"x\":{\"status\":\"Running\"}}}");
    }
}
