package io.realmcluster.tools.realmctl;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

/** Output formats of {@code -o}. */
public enum Output {
    TABLE,
    WIDE,
    JSON;

    /** A message as JSON with the proto field names, the form scripts expect. */
    public static String json(final MessageOrBuilder message) {
        try {
            return JsonFormat.printer()
                    .preservingProtoFieldNames()
                    .alwaysPrintFieldsWithNoPresence()
                    .print(message);
        } catch (final InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
