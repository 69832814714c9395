using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace Achievements.Api.Features.Otlp;

/// <summary>
/// An OTLP export's answer, in the request's encoding: <c>ExportLogsServiceResponse</c> or
/// <c>ExportMetricsServiceResponse</c>. Everything accepted is an empty message; otherwise <c>partial_success</c>
/// (field 1) says how many records were rejected (field 1) and why, or, with none rejected, what was not used (field 2):
/// OTLP's way for a receiver to warn without asking for a retry.
/// </summary>
internal sealed record OtlpResponse(OtlpSignal Signal, long Rejected, string? Message)
{
    public byte[] Protobuf()
    {
        if (Rejected == 0 && Message is null)
        {
            return [];
        }

        using var partial = new MemoryStream();
        using (var output = new CodedOutputStream(partial, leaveOpen: true))
        {
            if (Rejected != 0)
            {
                output.WriteTag(1, WireFormat.WireType.Varint);
                output.WriteInt64(Rejected);
            }

            if (Message is not null)
            {
                output.WriteTag(2, WireFormat.WireType.LengthDelimited);
                output.WriteString(Message);
            }
        }

        using var message = new MemoryStream();
        using (var output = new CodedOutputStream(message, leaveOpen: true))
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(partial.ToArray()));
        }

        return message.ToArray();
    }

    /// <summary>OTLP/JSON: 64-bit integers as decimal strings, as the protobuf JSON mapping writes them.</summary>
    public JsonObject Json()
    {
        if (Rejected == 0 && Message is null)
        {
            return [];
        }

        var partial = new JsonObject { [Signal.RejectedField] = Rejected.ToString(CultureInfo.InvariantCulture) };
        if (Message is not null)
        {
            partial["errorMessage"] = Message;
        }

        return new JsonObject { ["partialSuccess"] = partial };
    }
}

/// <summary>The two OTLP signals the service takes, and what their answers call a rejected record.</summary>
internal sealed record OtlpSignal(string Name, string RejectedField, string RecordWord)
{
    public static OtlpSignal Logs { get; } = new("logs", "rejectedLogRecords", "log records");

    public static OtlpSignal Metrics { get; } = new("metrics", "rejectedDataPoints", "data points");
}
