package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.apiserver.authentication.SelfSubjectReviews;
import io.kubelite.apiserver.authentication.TokenReviews;
import io.kubelite.apiserver.authorization.Authorizer;
import io.kubelite.apiserver.authorization.SelfSubjectAccessReviews;
import io.kubelite.apiserver.authorization.SelfSubjectRulesReviews;
import io.kubelite.apiserver.authorization.SubjectAccessReviews;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Storage;
import io.kubelite.kinds.authentication.selfsubjectreview.SelfSubjectReviewKind;
import io.kubelite.kinds.authentication.tokenreview.TokenReviewKind;
import io.kubelite.kinds.authorization.localsubjectaccessreview.LocalSubjectAccessReviewKind;
import io.kubelite.kinds.authorization.selfsubjectaccessreview.SelfSubjectAccessReviewKind;
import io.kubelite.kinds.authorization.selfsubjectrulesreview.SelfSubjectRulesReviewKind;
import io.kubelite.kinds.authorization.subjectaccessreview.SubjectAccessReviewKind;
import java.util.HashMap;
import java.util.Map;

/**
 * The kinds stored nowhere ({@link Storage#NONE}, the registry's decision): a POST to their
 * collection is decoded, answered by the kind's own handler (in {@code authorization} or
 * {@code authentication}) for the requesting user and returned with 201, as kube's review
 * registries do; nothing is written. Every other verb is a 405. The server refuses to start
 * when the registry has a create-only kind without a handler here.
 */
final class Reviews {
    /** One create-only kind's answer to a decoded request object. */
    interface Handler<T extends Message> {
        /** {@code namespace}: the request path's (a namespaced review's), else null. */
        T answer(Auth.User user, String namespace, T in);
    }

    private final Map<Resource<?>, Handler<?>> handlers = new HashMap<>();

    Reviews(Auth auth, Authorizer authorizer) {
        SubjectAccessReviews sar = new SubjectAccessReviews(authorizer);
        put(SelfSubjectAccessReviewKind.RESOURCE, new SelfSubjectAccessReviews(authorizer)::answer);
        put(SelfSubjectRulesReviewKind.RESOURCE, new SelfSubjectRulesReviews(authorizer)::answer);
        put(SubjectAccessReviewKind.RESOURCE, sar::answer);
        put(LocalSubjectAccessReviewKind.RESOURCE, sar::answerLocal);
        put(SelfSubjectReviewKind.RESOURCE, (u, ns, in) -> SelfSubjectReviews.answer(u, in));
        TokenReviews tokens = new TokenReviews(auth);
        put(TokenReviewKind.RESOURCE, (u, ns, in) -> tokens.answer(u, in));
        for (Kind<?> k : Kinds.all()) {
            if (k.storage() instanceof Storage.None && !handlers.containsKey(k.resource())) {
                throw new IllegalStateException("create-only kind without a handler: " + k);
            }
        }
    }

    private <T extends Message> void put(Resource<T> r, Handler<T> h) {
        handlers.put(r, h);
    }

    /** Whether {@code r} is one of these kinds. */
    static boolean serves(Resource<?> r) {
        return Kinds.of(r).storage() instanceof Storage.None;
    }

    /** Answers the (authorized) create of a create-only kind. */
    <T extends Message> void create(RequestScope<T> s, String body) {
        @SuppressWarnings("unchecked")
        Handler<T> h = (Handler<T>) handlers.get(s.resource());
        BodyDecoder.Decoded<T> d = BodyDecoder.of(s.resource()).decode(body);
        s.request().warnings(d.warnings());
        s.sendObject(201, h.answer(s.request().user(), s.namespace(), d.object()));
    }
}
