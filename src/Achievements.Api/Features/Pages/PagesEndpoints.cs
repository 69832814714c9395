using Microsoft.Extensions.FileProviders;

namespace Achievements.Api.Features.Pages;

/// <summary>
/// The directory, progress and admin pages: static HTML, CSS and JavaScript modules from wwwroot that talk
/// to the public REST API only. Every page and asset is sent with a strict Content-Security-Policy, so a
/// display name that smuggles in markup has no script to run even if a page ever rendered it as HTML.
/// </summary>
internal static class PagesEndpoints
{
    /// <summary>Everything but framing: pages load only their own scripts and styles, and nothing inline.</summary>
    private const string Sources =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; ";

    public static WebApplication MapPages(this WebApplication app)
    {
        // The pages talk to their own API and, when they sign in through it, to the identity provider's discovery,
        // keys and token endpoints (a public client redeems its code from the browser).
        var oidc = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Infrastructure.Auth.OidcOptions>>().Value;
        var connect = oidc.Enabled && oidc.ClientId is { Length: > 0 } && Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority)
            ? $"connect-src 'self' {authority.GetLeftPart(UriPartial.Authority)}; "
            : "";
        var policyBase = Sources + connect + "frame-ancestors ";
        var policy = policyBase + "'none'";

        // The embedded card is meant for other directory pages' iframes; which ones may embed it is configurable.
        var embedAncestors = app.Configuration["Achievements:Embed:FrameAncestors"] is { Length: > 0 } configured ? configured : "*";
        var webRoot = app.Environment.WebRootFileProvider;

        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context => Secure(context.Context.Response, policy),
        });

        var pages = app.MapGroup("").WithTags("Pages").ExcludeFromDescription();
        pages.MapGet("/", () => Page(webRoot, "index.html", policy)).WithName("HomePage");
        pages.MapGet("/directory/{id}", () => Page(webRoot, "directory.html", policy)).WithName("DirectoryPage");
        pages.MapGet("/embed/{id}", () => Page(webRoot, "embed.html", policyBase + embedAncestors)).WithName("EmbedPage");
        pages.MapGet("/me", () => Page(webRoot, "me.html", policy)).WithName("MePage");
        pages.MapGet("/admin", () => Page(webRoot, "admin.html", policy)).WithName("AdminPage");
        return app;
    }

    private static SecuredPage Page(IFileProvider webRoot, string file, string policy) => new SecuredPage(webRoot.GetFileInfo(file), policy);

    private static void Secure(HttpResponse response, string policy)
    {
        response.Headers.ContentSecurityPolicy = policy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.Append("Referrer-Policy", "no-referrer");
    }

    /// <summary>A page file with its headers; the id in the path is read by the page's script, never templated in.</summary>
    private sealed class SecuredPage(IFileInfo file, string policy) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            if (!file.Exists)
            {
                httpContext.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            Secure(httpContext.Response, policy);
            httpContext.Response.Headers.CacheControl = "no-cache";
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            await httpContext.Response.SendFileAsync(file, httpContext.RequestAborted);
        }
    }
}
