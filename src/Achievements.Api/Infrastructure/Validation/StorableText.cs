using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Achievements.Api.Infrastructure.Json;
using FluentValidation.Results;

namespace Achievements.Api.Infrastructure.Validation;

/// <summary>
/// What text the service stores: no C0 control character but tab, line feed and carriage return, and no lone
/// surrogate. PostgreSQL stores no U+0000 in <c>text</c> or <c>jsonb</c> and Npgsql refuses to encode a lone
/// surrogate, where SQLite takes both; refusing them before any SQL makes the two stores answer alike (decision 0026).
/// </summary>
internal static class StorableText
{
    /// <summary>Why <paramref name="text"/> cannot be stored, to follow the field's name; null when it can.</summary>
    public static string? Problem(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < ' ' && c is not ('\t' or '\n' or '\r'))
            {
                return $"contains a control character (U+{(int)c:X4}); text may hold tab, line feed and carriage return but no other control character below U+0020.";
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"contains a lone surrogate (U+{(int)c:X4}), which is not Unicode text.";
            }
        }

        return null;
    }

    public static bool IsStorable(string? text) => text is null || Problem(text) is null;

    /// <summary>UTF-8 as text, or null when the bytes are not UTF-8 (which Encoding.UTF8 would replace without a word).</summary>
    public static string? Decode(ReadOnlySpan<byte> utf8) => System.Text.Unicode.Utf8.IsValid(utf8) ? Encoding.UTF8.GetString(utf8) : null;

    /// <summary>
    /// Every string a message carries, in its properties, lists, dictionaries and JSON, as one failure per string that
    /// cannot be stored, named by its path as clients spell it (<c>tiers[0].name</c>). A property marked
    /// <see cref="JudgedPerRecordAttribute"/> is left to its source's judge.
    /// </summary>
    public static List<ValidationFailure> FailuresIn(object message)
    {
        var failures = new List<ValidationFailure>();
        Walk(message, "", failures, depth: 0);
        return failures;
    }

    // The request body's JSON is at most 32 deep; the messages built from it are no deeper.
    private const int MaxDepth = 64;

    private static void Walk(object? value, string path, List<ValidationFailure> failures, int depth)
    {
        if (value is null || depth > MaxDepth)
        {
            return;
        }

        switch (value)
        {
            case string text:
                Check(text, path, failures);
                return;
            case JsonElement element:
                WalkJson(element, path, failures, depth);
                return;
            case byte[] or ReadOnlyMemory<byte>:
                return;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    var key = Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                    Check(key, Join(path, key), failures);
                    Walk(entry.Value, Join(path, key), failures, depth + 1);
                }

                return;
            case IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    Walk(item, $"{path}[{index++}]", failures, depth + 1);
                }

                return;
        }

        var type = value.GetType();
        // Only the service's own records hold what a request sent; framework types (a caller's claims) do not.
        if (type.IsPrimitive || type.IsEnum || type.Assembly != typeof(StorableText).Assembly)
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && property.GetCustomAttribute<JudgedPerRecordAttribute>() is null)
            {
                Walk(property.GetValue(value), Join(path, property.Name), failures, depth + 1);
            }
        }
    }

    private static void WalkJson(JsonElement element, string path, List<ValidationFailure> failures, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                CheckDecoded(JsonText.Of(element), path, failures);
                return;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    WalkJson(item, $"{path}[{index++}]", failures, depth + 1);
                }

                return;
            case JsonValueKind.Object when depth <= MaxDepth:
                foreach (var property in element.EnumerateObject())
                {
                    var name = JsonText.NameOf(property);
                    CheckDecoded(name, Join(path, name ?? "?"), failures);
                    WalkJson(property.Value, Join(path, name ?? "?"), failures, depth + 1);
                }

                return;
        }
    }

    private static void CheckDecoded(string? decoded, string path, List<ValidationFailure> failures)
    {
        if (decoded is null)
        {
            failures.Add(new ValidationFailure(path, $"{JsonFieldName.From(path)} is not Unicode text (a lone surrogate or bytes that are not UTF-8)."));
            return;
        }

        Check(decoded, path, failures);
    }

    private static void Check(string text, string path, List<ValidationFailure> failures)
    {
        if (Problem(text) is { } problem)
        {
            failures.Add(new ValidationFailure(path, $"{JsonFieldName.From(path)} {problem}"));
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}

/// <summary>
/// Marks a message's property whose records a source's own judge reads one by one (a batch of events), so that one
/// record's bad text rejects that record with its reason instead of the whole request.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal sealed class JudgedPerRecordAttribute : Attribute;
