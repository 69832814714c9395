using System.Text.Json.Nodes;

namespace Achievements.Api.Infrastructure.Json;

/// <summary>
/// JSON Merge Patch (RFC 7396): a patch object names the members to change. <c>null</c> removes a member, an
/// object merges into the member recursively, and any other value, an array included, replaces it. Written
/// here because no kept package does it for System.Text.Json (docs/decisions/0010-signal-policy-patch.md).
/// </summary>
internal static class JsonMergePatch
{
    public const string MediaType = "application/merge-patch+json";

    /// <summary>The target with the patch applied; neither argument is changed.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject members)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject original ? original.DeepClone().AsObject() : new JsonObject(members.Options);
        MergeInto(result, members);
        return result;
    }

    private static void MergeInto(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch)
        {
            switch (value)
            {
                case null:
                    target.Remove(name);
                    break;
                case JsonObject members when target[name] is JsonObject existing:
                    MergeInto(existing, members);
                    break;
                case JsonObject members:
                    var created = new JsonObject(target.Options);
                    MergeInto(created, members);
                    target[name] = created;
                    break;
                default:
                    target[name] = value.DeepClone();
                    break;
            }
        }
    }
}
