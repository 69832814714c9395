namespace Achievements.Web.Tests;

/// <summary>Headers every page is sent with. Plain HTTP, so these run without a browser too.</summary>
public sealed class PageSecurityTests(WebApp app)
{
    private const string Policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors ";

    [Theory]
    [InlineData("/")]
    [InlineData("/directory/ada")]
    [InlineData("/me")]
    [InlineData("/admin")]
    [InlineData("/js/api.js")]
    [InlineData("/css/site.css")]
    public async Task Pages_and_assets_are_sent_with_a_strict_policy_that_forbids_framing(string path)
    {
        using var client = new HttpClient { BaseAddress = app.Service.BaseAddress };
        var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        Assert.Equal(Policy + "'none'", string.Join(", ", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", string.Join(", ", response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task The_embedded_card_may_be_framed_by_any_page_by_default()
    {
        using var client = new HttpClient { BaseAddress = app.Service.BaseAddress };
        var response = await client.GetAsync(new Uri("/embed/ada", UriKind.Relative), TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        Assert.Equal(Policy + "*", string.Join(", ", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Pages_contain_no_inline_script_or_style()
    {
        using var client = new HttpClient { BaseAddress = app.Service.BaseAddress };
        foreach (var path in new[] { "/", "/directory/ada", "/embed/ada", "/me", "/admin" })
        {
            var html = await client.GetStringAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=|<style|\sstyle=", html);
        }
    }
}
