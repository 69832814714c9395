using System.Text.Json.Nodes;
using Achievements.Api.Infrastructure.Json;

namespace Achievements.Api.Tests.Json;

public sealed class JsonMergePatchTests
{
    /// <summary>Every example of RFC 7396, Appendix A: target, patch, result.</summary>
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", "null", "null")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void A_patch_gives_the_result_RFC_7396_gives(string target, string patch, string expected)
    {
        var result = JsonMergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), result), $"Got {result?.ToJsonString() ?? "null"}");
    }

    [Fact]
    public void Applying_a_patch_changes_neither_the_target_nor_the_patch()
    {
        var target = JsonNode.Parse("""{"a":{"b":"c"},"d":[1]}""");
        var patch = JsonNode.Parse("""{"a":{"b":null,"e":"f"},"d":[2]}""");

        JsonMergePatch.Apply(target, patch);

        Assert.Equal("""{"a":{"b":"c"},"d":[1]}""", target!.ToJsonString());
        Assert.Equal("""{"a":{"b":null,"e":"f"},"d":[2]}""", patch!.ToJsonString());
    }
}
