using System.Globalization;
using System.Text.Json;
using Achievements.Api.Infrastructure.Json;
using Achievements.Api.Infrastructure.Validation;
using Google.Protobuf;

namespace Achievements.Api.Features.Otlp;

/// <summary>
/// One log record or metric data point of an OTLP export, flattened: its name, time, value and attributes, the
/// resource's and the scope's attributes first and the record's own over them. Values are text, numbers or
/// booleans; arrays and maps are kept as their JSON text, which no mapping reads.
/// </summary>
/// <param name="Name">A log record's event name (<c>eventName</c>, else a dotted <c>body</c>, else <c>event.name</c>); a metric's name.</param>
/// <param name="Time">When it happened (<c>timeUnixNano</c>, else <c>observedTimeUnixNano</c>); null when the export gave neither.</param>
/// <param name="Value">A data point's value; null for a log record.</param>
/// <param name="Attributes">Resource, scope and record attributes by key, the record's winning.</param>
/// <param name="Cumulative">A sum's point whose value is the total since its start time (aggregation temporality
/// cumulative), not the increment since the last export (delta).</param>
internal sealed record OtlpRecord(string Name, DateTimeOffset? Time, double? Value, IReadOnlyDictionary<string, object> Attributes, bool Cumulative = false)
{
    public string? Text(string key) => Attributes.TryGetValue(key, out var value) ? value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    public double? Number(string key) => Attributes.TryGetValue(key, out var value)
        ? value switch
        {
            double d => d,
            long l => l,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        }
        : null;
}

/// <summary>A body that is not an OTLP export of the kind its path names.</summary>
internal sealed class NotOtlpException(string message) : Exception(message);

/// <summary>
/// Reads OTLP/HTTP export bodies, in both encodings, into <see cref="OtlpRecord"/>s. JSON follows the OTLP/JSON
/// mapping (camelCase field names, 64-bit integers as strings, enums as numbers); protobuf is read field by field
/// with Google.Protobuf's <see cref="CodedInputStream"/>, by the field numbers of opentelemetry-proto's
/// <c>common</c>, <c>resource</c>, <c>logs</c> and <c>metrics</c> v1, skipping every field it does not need.
/// A string that is not Unicode text (bytes that are not UTF-8, an escaped lone surrogate) is read as absent, in either
/// encoding; text that is Unicode but cannot be stored is refused later, per record (<see cref="AiToolEvents.Refusal"/>).
/// </summary>
internal static class OtlpBody
{
    public static IReadOnlyList<OtlpRecord> Logs(ReadOnlySpan<byte> body, bool protobuf) => protobuf ? Proto.Logs(body.ToArray()) : Json.Logs(body);

    public static IReadOnlyList<OtlpRecord> Metrics(ReadOnlySpan<byte> body, bool protobuf) => protobuf ? Proto.Metrics(body.ToArray()) : Json.Metrics(body);

    /// <summary>AggregationTemporality's AGGREGATION_TEMPORALITY_CUMULATIVE (1 is delta).</summary>
    private const int CumulativeTemporality = 2;

    private static readonly ulong LatestTicks = (ulong)(DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).Ticks;

    private static DateTimeOffset? FromUnixNano(ulong nanos) =>
        nanos == 0 || nanos / 100 > LatestTicks ? null : DateTimeOffset.UnixEpoch.AddTicks((long)(nanos / 100));

    /// <summary>A log record's name: the newer <c>eventName</c> field, else a body that is a dotted name (Claude Code's), else <c>event.name</c>.</summary>
    private static string NameOf(string? eventName, string? body, Dictionary<string, object> attributes)
    {
        if (!string.IsNullOrEmpty(eventName))
        {
            return eventName;
        }

        if (body is not null && body.Contains('.', StringComparison.Ordinal) && !body.Contains(' ', StringComparison.Ordinal))
        {
            return body;
        }

        return attributes.TryGetValue("event.name", out var name) && name is string text ? text : "";
    }

    private static Dictionary<string, object> Merge(IReadOnlyDictionary<string, object> outer, Dictionary<string, object> own)
    {
        var merged = new Dictionary<string, object>(outer, StringComparer.Ordinal);
        foreach (var (key, value) in own)
        {
            merged[key] = value;
        }

        return merged;
    }

    private static class Json
    {
        public static List<OtlpRecord> Logs(ReadOnlySpan<byte> body) => Scoped(body, "resourceLogs", "scopeLogs", "logRecords", (log, outer) =>
        {
            var own = Attributes(log);
            var text = Object(log, "body") is { } value && value.TryGetProperty("stringValue", out var s) && s.ValueKind == JsonValueKind.String ? JsonText.Of(s) : null;
            var eventName = log.TryGetProperty("eventName", out var name) && name.ValueKind == JsonValueKind.String ? JsonText.Of(name) : null;
            return [new OtlpRecord(NameOf(eventName, text, own), Time(log, "timeUnixNano") ?? Time(log, "observedTimeUnixNano"), null, Merge(outer, own))];
        });

        public static List<OtlpRecord> Metrics(ReadOnlySpan<byte> body) => Scoped(body, "resourceMetrics", "scopeMetrics", "metrics", (metric, outer) =>
        {
            var name = metric.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? JsonText.Of(n) ?? "" : "";
            // Sums and gauges carry numbers; histograms and summaries are not read and count as unused.
            var sum = Object(metric, "sum");
            // OTLP/JSON writes enums as integers; a sender that writes the name is read too.
            var cumulative = sum is { } s && s.TryGetProperty("aggregationTemporality", out var t)
                && ((t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var number) && number == CumulativeTemporality)
                    || (t.ValueKind == JsonValueKind.String && JsonText.Of(t) == "AGGREGATION_TEMPORALITY_CUMULATIVE"));
            return (sum ?? Object(metric, "gauge")) is { } data
                ? [.. Array(data, "dataPoints").Select(point => new OtlpRecord(name, Time(point, "timeUnixNano") ?? Time(point, "startTimeUnixNano"), PointValue(point), Merge(outer, Attributes(point)), cumulative))]
                : [new OtlpRecord(name, null, null, outer)];
        });

        /// <summary>Every item of every scope of every resource, read with the resource's and scope's attributes.</summary>
        private static List<OtlpRecord> Scoped(ReadOnlySpan<byte> body, string resources, string scopes, string items, Func<JsonElement, IReadOnlyDictionary<string, object>, IEnumerable<OtlpRecord>> read)
        {
            using var document = Parse(body, resources);
            var records = new List<OtlpRecord>();
            foreach (var resource in Array(document.RootElement, resources))
            {
                var resourceAttributes = Attributes(Object(resource, "resource"));
                foreach (var scope in Array(resource, scopes))
                {
                    var outer = Merge(resourceAttributes, Attributes(Object(scope, "scope")));
                    foreach (var item in Array(scope, items))
                    {
                        records.AddRange(read(item, outer));
                    }
                }
            }

            return records;
        }

        private static JsonDocument Parse(ReadOnlySpan<byte> body, string root)
        {
            JsonDocument document;
            try
            {
                var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
                document = JsonDocument.ParseValue(ref reader);
            }
            catch (JsonException)
            {
                throw new NotOtlpException("The body is not JSON.");
            }

            if (document.RootElement.ValueKind != JsonValueKind.Object
                || (document.RootElement.TryGetProperty(root, out var list) && list.ValueKind != JsonValueKind.Array))
            {
                document.Dispose();
                throw new NotOtlpException($"An OTLP/JSON export is an object whose {root} is an array.");
            }

            return document;
        }

        private static IEnumerable<JsonElement> Array(JsonElement? parent, string name) =>
            parent is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
                : [];

        private static JsonElement? Object(JsonElement parent, string name) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

        private static Dictionary<string, object> Attributes(JsonElement? holder)
        {
            var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var pair in Array(holder, "attributes"))
            {
                if (pair.TryGetProperty("key", out var key) && JsonText.Of(key) is { } name && Object(pair, "value") is { } value)
                {
                    Add(attributes, name, value, depth: 0);
                }
            }

            return attributes;
        }

        /// <summary>An attribute, and a map's entries as dotted keys under it (<c>metadata.model_added_lines</c>), a few levels deep.</summary>
        private static void Add(Dictionary<string, object> attributes, string key, JsonElement value, int depth)
        {
            if (Value(value) is { } v)
            {
                attributes[key] = v;
            }

            if (depth < 4 && Object(value, "kvlistValue") is { } map)
            {
                foreach (var pair in Array(map, "values"))
                {
                    if (pair.TryGetProperty("key", out var inner) && JsonText.Of(inner) is { } name && Object(pair, "value") is { } innerValue)
                    {
                        Add(attributes, $"{key}.{name}", innerValue, depth + 1);
                    }
                }
            }
        }

        private static object? Value(JsonElement value)
        {
            foreach (var property in value.EnumerateObject())
            {
                switch (JsonText.NameOf(property))
                {
                    case "stringValue" when JsonText.Of(property.Value) is { } text:
                        return text;
                    case "boolValue" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                        return property.Value.GetBoolean();
                    case "intValue" when Integer(property.Value) is { } integer:
                        return integer;
                    case "doubleValue" when property.Value.ValueKind == JsonValueKind.Number:
                        return property.Value.GetDouble();
                    case "arrayValue" or "kvlistValue" or "bytesValue":
                        return property.Value.GetRawText();
                }
            }

            return null;
        }

        private static long? Integer(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String when long.TryParse(JsonText.Of(value), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
            JsonValueKind.Number when value.TryGetInt64(out var number) => number,
            _ => null,
        };

        private static double? PointValue(JsonElement point) =>
            point.TryGetProperty("asDouble", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble()
            : point.TryGetProperty("asInt", out var i) && Integer(i) is { } integer ? integer
            : null;

        private static DateTimeOffset? Time(JsonElement holder, string name) =>
            holder.TryGetProperty(name, out var value) && value.ValueKind switch
            {
                JsonValueKind.String => ulong.TryParse(JsonText.Of(value), NumberStyles.None, CultureInfo.InvariantCulture, out var nanos) ? FromUnixNano(nanos) : null,
                JsonValueKind.Number => value.TryGetUInt64(out var nanos) ? FromUnixNano(nanos) : null,
                _ => null,
            } is { } time ? time : null;
    }

    /// <summary>Protobuf, by field number. Wire types other than the expected are skipped, as a newer sender's fields are.</summary>
    private static class Proto
    {
        public static List<OtlpRecord> Logs(byte[] body) => Scoped(body, (log, outer) => [LogRecord(log, outer)]);

        public static List<OtlpRecord> Metrics(byte[] body) => Scoped(body, Metric);

        /// <summary>
        /// Every item of every scope of every resource, with the resource's and scope's attributes. Logs and metrics
        /// nest alike: the request's field 1 is a resource (its resource = 1, its scopes = 2), a scope's
        /// InstrumentationScope is field 1 (attributes = 3) and its items field 2.
        /// </summary>
        private static List<OtlpRecord> Scoped(byte[] body, Func<ByteString, IReadOnlyDictionary<string, object>, IEnumerable<OtlpRecord>> read)
        {
            var records = new List<OtlpRecord>();
            Read(body, (input, tag) =>
            {
                if (tag.Field != 1)
                {
                    return false;
                }

                var resourceAttributes = new Dictionary<string, object>(StringComparer.Ordinal);
                var scopes = new List<ByteString>();
                Read(input.ReadBytes(), (resource, tag) => tag.Field switch
                {
                    1 => ReadAttributesOf(resource.ReadBytes(), 1, resourceAttributes),
                    2 => Add(scopes, resource.ReadBytes()),
                    _ => false,
                });
                foreach (var scope in scopes)
                {
                    var scopeAttributes = new Dictionary<string, object>(StringComparer.Ordinal);
                    var items = new List<ByteString>();
                    Read(scope, (s, tag) => tag.Field switch
                    {
                        1 => ReadAttributesOf(s.ReadBytes(), 3, scopeAttributes),
                        2 => Add(items, s.ReadBytes()),
                        _ => false,
                    });
                    var outer = Merge(resourceAttributes, scopeAttributes);
                    foreach (var item in items)
                    {
                        records.AddRange(read(item, outer));
                    }
                }

                return true;
            });
            return records;
        }

        private static OtlpRecord LogRecord(ByteString log, IReadOnlyDictionary<string, object> outer)
        {
            // LogRecord: time_unix_nano = 1 (fixed64), body = 5 (AnyValue), attributes = 6, observed_time_unix_nano = 11 (fixed64), event_name = 12.
            ulong time = 0, observed = 0;
            string? body = null, eventName = null;
            var own = new Dictionary<string, object>(StringComparer.Ordinal);
            Read(log, (input, tag) =>
            {
                switch (tag)
                {
                    case (1, WireFormat.WireType.Fixed64):
                        time = input.ReadFixed64();
                        return true;
                    case (11, WireFormat.WireType.Fixed64):
                        observed = input.ReadFixed64();
                        return true;
                    case (5, WireFormat.WireType.LengthDelimited):
                        body = AnyValue(input.ReadBytes()) as string;
                        return true;
                    case (6, WireFormat.WireType.LengthDelimited):
                        KeyValue(input.ReadBytes(), own);
                        return true;
                    case (12, WireFormat.WireType.LengthDelimited):
                        eventName = Text(input);
                        return true;
                    default:
                        return false;
                }
            });
            return new OtlpRecord(NameOf(eventName, body, own), FromUnixNano(time) ?? FromUnixNano(observed), null, Merge(outer, own));
        }

        private static IEnumerable<OtlpRecord> Metric(ByteString metric, IReadOnlyDictionary<string, object> outer)
        {
            // Metric: name = 1, gauge = 5, sum = 7 (each with data_points = 1; a sum's aggregation_temporality = 2);
            // histograms (9, 10) and summaries (11) are not read.
            var name = "";
            var cumulative = false;
            var points = new List<ByteString>();
            Read(metric, (input, tag) =>
            {
                switch (tag)
                {
                    case (1, WireFormat.WireType.LengthDelimited):
                        name = Text(input) ?? "";
                        return true;
                    case (5 or 7, WireFormat.WireType.LengthDelimited):
                        var isSum = tag.Field == 7;
                        Read(input.ReadBytes(), (data, tag) =>
                        {
                            switch (tag)
                            {
                                case (1, WireFormat.WireType.LengthDelimited):
                                    points.Add(data.ReadBytes());
                                    return true;
                                case (2, WireFormat.WireType.Varint) when isSum:
                                    cumulative = data.ReadEnum() == CumulativeTemporality;
                                    return true;
                                default:
                                    return false;
                            }
                        });
                        return true;
                    default:
                        return false;
                }
            });
            if (points.Count == 0)
            {
                return [new OtlpRecord(name, null, null, outer)];
            }

            return points.Select(point => DataPoint(name, point, outer, cumulative));
        }

        private static OtlpRecord DataPoint(string name, ByteString point, IReadOnlyDictionary<string, object> outer, bool cumulative)
        {
            // NumberDataPoint: start_time_unix_nano = 2, time_unix_nano = 3 (fixed64), as_double = 4 (double), as_int = 6 (sfixed64), attributes = 7.
            ulong start = 0, time = 0;
            double? value = null;
            var own = new Dictionary<string, object>(StringComparer.Ordinal);
            Read(point, (input, tag) =>
            {
                switch (tag)
                {
                    case (2, WireFormat.WireType.Fixed64):
                        start = input.ReadFixed64();
                        return true;
                    case (3, WireFormat.WireType.Fixed64):
                        time = input.ReadFixed64();
                        return true;
                    case (4, WireFormat.WireType.Fixed64):
                        value = input.ReadDouble();
                        return true;
                    case (6, WireFormat.WireType.Fixed64):
                        value = input.ReadSFixed64();
                        return true;
                    case (7, WireFormat.WireType.LengthDelimited):
                        KeyValue(input.ReadBytes(), own);
                        return true;
                    default:
                        return false;
                }
            });
            return new OtlpRecord(name, FromUnixNano(time) ?? FromUnixNano(start), value, Merge(outer, own), cumulative);
        }

        /// <summary>Reads the repeated KeyValue <paramref name="field"/> of a message (Resource's 1, InstrumentationScope's 3).</summary>
        private static bool ReadAttributesOf(ByteString message, int field, Dictionary<string, object> into)
        {
            Read(message, (input, tag) =>
            {
                if (tag.Field != field || tag.Wire != WireFormat.WireType.LengthDelimited)
                {
                    return false;
                }

                KeyValue(input.ReadBytes(), into);
                return true;
            });
            return true;
        }

        private static void KeyValue(ByteString pair, Dictionary<string, object> into, string prefix = "", int depth = 0)
        {
            // KeyValue: key = 1, value = 2 (AnyValue); a map (AnyValue's kvlist_value = 6, KeyValueList's values = 1) adds dotted keys.
            string? key = null;
            ByteString? value = null;
            Read(pair, (input, tag) =>
            {
                switch (tag)
                {
                    case (1, WireFormat.WireType.LengthDelimited):
                        key = Text(input);
                        return true;
                    case (2, WireFormat.WireType.LengthDelimited):
                        value = input.ReadBytes();
                        return true;
                    default:
                        return false;
                }
            });
            if (key is null || value is null)
            {
                return;
            }

            var name = prefix + key;
            if (AnyValue(value) is { } v)
            {
                into[name] = v;
            }

            if (depth < 4)
            {
                Read(value, (any, tag) => tag == (6, WireFormat.WireType.LengthDelimited) && ReadEntries(any.ReadBytes(), into, $"{name}.", depth + 1));
            }
        }

        private static bool ReadEntries(ByteString list, Dictionary<string, object> into, string prefix, int depth)
        {
            Read(list, (input, tag) =>
            {
                if (tag != (1, WireFormat.WireType.LengthDelimited))
                {
                    return false;
                }

                KeyValue(input.ReadBytes(), into, prefix, depth);
                return true;
            });
            return true;
        }

        private static object? AnyValue(ByteString any)
        {
            // AnyValue: string = 1, bool = 2, int = 3, double = 4, array = 5, kvlist = 6, bytes = 7.
            object? value = null;
            Read(any, (input, tag) =>
            {
                switch (tag)
                {
                    case (1, WireFormat.WireType.LengthDelimited):
                        value = Text(input);
                        return true;
                    case (2, WireFormat.WireType.Varint):
                        value = input.ReadBool();
                        return true;
                    case (3, WireFormat.WireType.Varint):
                        value = input.ReadInt64();
                        return true;
                    case (4, WireFormat.WireType.Fixed64):
                        value = input.ReadDouble();
                        return true;
                    case (5 or 6 or 7, WireFormat.WireType.LengthDelimited):
                        value = Convert.ToBase64String(input.ReadBytes().Span);
                        return true;
                    default:
                        return false;
                }
            });
            return value;
        }

        /// <summary>A string field, or null when its bytes are not UTF-8 (CodedInputStream.ReadString would throw, or replace them unsaid).</summary>
        private static string? Text(CodedInputStream input) => StorableText.Decode(input.ReadBytes().Span);

        private static bool Add(List<ByteString> list, ByteString item)
        {
            list.Add(item);
            return true;
        }

        private static void Read(ByteString message, Func<CodedInputStream, (int Field, WireFormat.WireType Wire), bool> field) => Read(message.ToByteArray(), field);

        /// <summary>Calls <paramref name="field"/> for each field of a message; a field it does not read (false) is skipped.</summary>
        private static void Read(byte[] message, Func<CodedInputStream, (int Field, WireFormat.WireType Wire), bool> field)
        {
            try
            {
                using var input = new CodedInputStream(message);
                uint tag;
                while ((tag = input.ReadTag()) != 0)
                {
                    if (!field(input, (WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag))))
                    {
                        input.SkipLastField();
                    }
                }
            }
            catch (InvalidProtocolBufferException)
            {
                throw new NotOtlpException("The body is not an OTLP protobuf export.");
            }
        }
    }
}

