using System.Text.Json;
using System.Text.Json.Serialization;
using Achievements.Api.Engine.Detection;
using Achievements.Api.Engine.Evaluation;
using Achievements.Api.Engine.Ingestion;
using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Awards;
using Achievements.Api.Features.Badges;
using Achievements.Api.Features.Credentials;
using Achievements.Api.Features.Employees;
using Achievements.Api.Features.Events;
using Achievements.Api.Features.Gaming;
using Achievements.Api.Features.Github;
using Achievements.Api.Features.Identities;
using Achievements.Api.Features.Insights;
using Achievements.Api.Features.Keys;
using Achievements.Api.Features.Notifications;
using Achievements.Api.Features.Otlp;
using Achievements.Api.Features.Scim;
using Achievements.Api.Features.Signals;
using Achievements.Api.Features.SignIn;
using Achievements.Api.Infrastructure.Auth;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Achievements.Api.Infrastructure.Telemetry;
using Achievements.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http.Json;

namespace Achievements.Api.Infrastructure;

/// <summary>The composition root, kept out of Program.cs so that Program reads as the service's outline.</summary>
internal static class ServiceSetup
{
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplicationBuilder AddAchievements(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestBodyLimit.DefaultBytes);
        var services = builder.Services;
        services.AddStore(builder.Configuration["Achievements:Database:Provider"], builder.Configuration.GetConnectionString("Achievements"));
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton(TimeProvider.System);
        UtcTimestampHandler.Register();
        IntegerFlagHandler.Register();

        services.AddMediator((MediatorOptions options) =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.PipelineBehaviors = [typeof(ValidationBehavior<,>)];
        });
        services.AddValidatorsFromAssemblyContaining<ServiceSetupMarker>(ServiceLifetime.Singleton, includeInternalTypes: true);

        // Validation messages name fields as clients send them ('displayName'), not as C# spells them.
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        // Registered first, so that it is asked first: under /scim/v2 problem details are written as SCIM errors.
        services.AddSingleton<IProblemDetailsWriter, ScimErrorWriter>();
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        // Malformed JSON raises BadHttpRequestException into the one error path in every environment.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.AllowDuplicateProperties = false;
            options.SerializerOptions.MaxDepth = 32;
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // A misspelt property is an error, not silently ignored.
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });

        services.Configure<ApiKeyOptions>(builder.Configuration.GetSection("Achievements"));
        services.AddBearerAuthentication(builder.Configuration);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyAuthentication.AdminPolicy, policy => policy.RequireRole(ApiRole.Admin.Name()))
            .AddPolicy(ApiKeyAuthentication.SourcePolicy, policy => policy.RequireRole(ApiRole.Source.Name()))
            // Any role but scim: a signed-in person whom no employee matches has no role, so they are refused everywhere (403).
            .AddPolicy(ApiKeyAuthentication.AnyKeyPolicy, policy => policy.RequireRole(ApiRoles.Names.Where(role => role != ApiRole.Scim.Name())))
            // Only a scim key opens SCIM, and a scim key opens only SCIM, not even what any key may read (decision 0017).
            .AddPolicy(ScimApi.Policy, policy => policy.RequireRole(ApiRole.Scim.Name()));

        // The key ring lives in the database, so a restart (or a restored backup) can still read the webhook secret.
        services.AddDataProtection().SetApplicationName("Achievements");
        services.AddOptions<KeyManagementOptions>()
            .Configure<IDbConnectionFactory>((options, connections) => options.XmlRepository = new DatabaseXmlRepository(connections));
        // Read now, so that a malformed tool in Achievements:Github stops the start with a message naming it.
        services.AddSingleton(GithubAiEvidence.From(builder.Configuration));
        services.AddSingleton<GithubIntegration>();

        services.AddHttpContextAccessor();
        services.AddSingleton<AuditTrail>();
        // One per app, not static: it is right only for the writes this app makes (see DirectoryCache).
        // Sign-in asks the identity map whose email a token names (Infrastructure/Auth knows no feature).
        services.AddSingleton<IEmailOwners, EmailOwners>();
        services.AddSingleton<DirectoryCache>();
        services.AddSingleton<DirectoryChanges>();
        // The one writer of award rows; it tells the directory after each commit.
        services.AddSingleton<AwardLedger>();
        // Open Badges credentials: the ledger revokes them with their awards (docs/credentials.md, decision 0019).
        services.AddOptions<CredentialOptions>().Bind(builder.Configuration.GetSection("Achievements:Credentials")).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<CredentialOptions>, CredentialOptionsValidator>();
        services.AddSingleton<CredentialRevocations>();
        services.AddSingleton<IssuerKeys>();
        services.AddSingleton<IssuerUrls>();
        // One per app, not static: this app's ingest batches take turns at the database (see IngestTurns).
        services.AddSingleton<IngestTurns>();
        services.AddSingleton<EmployeeEvaluator>();
        services.AddSingleton<EvaluationRunner>();
        services.AddSingleton<DetectionRunner>();
        services.AddSingleton<GatePopulations>();
        services.AddSingleton(provider => new AdversarialGate(
            [.. Features.Gaming.Personas.PersonaLibrary.Farming, .. Features.Gaming.Personas.PersonaLibrary.Honest],
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<DetectionOptions>>(),
            provider.GetRequiredService<GatePopulations>()));
        services.Configure<DetectionOptions>(builder.Configuration.GetSection("Achievements:Detection"));
        services.Configure<EvaluationOptions>(builder.Configuration.GetSection("Achievements:Evaluation"));
        services.AddHostedService<EvaluationWorker>();

        // Notifications: the ledger and the detectors write the outbox; the dispatcher sends it (docs/notifications.md).
        services.Configure<WebhookOptions>(builder.Configuration.GetSection("Achievements:Webhooks"));
        services.AddSingleton<NotificationSignal>();
        services.AddSingleton<NotificationOutbox>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService<WebhookWorker>();
        services.AddHttpClient(WebhookDispatcher.HttpClientName, (provider, client) =>
            {
                client.Timeout = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value.Timeout;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Achievements-Webhooks/1");
            })
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value;
                // No redirects and no proxy: every connection goes where WebhookAddress allowed, and nowhere else.
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseProxy = false,
                    ConnectTimeout = options.Timeout,
                    ConnectCallback = (context, ct) => WebhookAddress.ConnectAsync(context, options, ct),
                };
            });

        services.AddAchievementsRateLimits(builder.Configuration);
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<OpenApiSecurity>();
            options.AddOperationTransformer<OpenApiSecurity>();
        });
        // The outcomes of an event worth counting: ingestion's statuses, and events held until their people are mapped.
        builder.AddServiceTelemetry(new HashSet<string>(StringComparer.Ordinal) { EventResult.AcceptedStatus, EventResult.DuplicateStatus, EventResult.RejectedStatus, AttributedResult.Unmapped });
        return builder;
    }

    public static WebApplication MapAchievements(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseRequestBodyLimit();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        // /health/live: the process answers (restart it if not). /health/ready: the database answers with every
        // migration applied, and the instance is not shutting down (send it traffic). /health: the same as ready.
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/health/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready");
        app.MapOpenApi();

        var api = app.MapGroup("/api/v1");
        api.MapKeysApi();
        api.MapEmployeesApi();
        api.MapSignalsApi();
        api.MapReasonsApi();
        api.MapEventsApi();
        api.MapGithubApi();
        api.MapIdentitiesApi();
        api.MapSignInApi();
        var publicDirectory = app.Configuration.GetValue("Achievements:PublicDirectory", true);
        api.MapBadgesApi(publicDirectory);
        api.MapAwardsApi(publicDirectory);
        api.MapCredentialsApi();
        app.MapIssuerKeys();
        api.MapEvaluationsApi();
        api.MapDetectionsApi();
        api.MapAuditApi();
        api.MapInsightsApi();
        api.MapGamingApi();
        api.MapWebhooksApi();
        app.MapOtlpApi();
        app.MapScimApi();
        Features.Pages.PagesEndpoints.MapPages(app);
        return app;
    }

    /// <summary>Migrates, seeds the built-in catalog and makes sure an admin key exists, before the first request.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        await app.Services.GetRequiredService<MigrationRunner>().ApplyAsync(cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        await mediator.Send(new SeedBuiltInSignals(), cancellationToken);
        await mediator.Send(new SeedStarterBadges(), cancellationToken);
        if (await mediator.Send(new BootstrapAdminKey(), cancellationToken) is { } admin)
        {
            // Printed once, to the console only: the log never carries key secrets.
            await Console.Out.WriteLineAsync($"""

                No admin key existed, so one was created. It is shown only now; keep it safe:

                    {admin.Key}

                """);
        }
    }

    /// <summary>
    /// The store that <c>Achievements:Database:Provider</c> names: <c>sqlite</c> (the default, an embedded file) or
    /// <c>postgres</c>; <c>ConnectionStrings:Achievements</c> says where it is, for either.
    /// </summary>
    private static void AddStore(this IServiceCollection services, string? provider, string? connectionString)
    {
        provider ??= "sqlite";
        switch (provider.ToUpperInvariant())
        {
            case "SQLITE":
                services.AddSingleton<IDbConnectionFactory>(new SqliteConnectionFactory(connectionString ?? "Data Source=achievements.db"));
                break;
            case "POSTGRES" or "POSTGRESQL":
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException(
                        "Achievements:Database:Provider is postgres, so ConnectionStrings:Achievements must name the database, "
                        + "such as \"Host=localhost;Database=achievements;Username=achievements;Password=...\".");
                }

                // A factory registration, so that the container disposes the data source (and closes its pool) with the app.
                services.AddSingleton(_ => Npgsql.NpgsqlDataSource.Create(connectionString));
                services.AddSingleton<IDbConnectionFactory, PostgresConnectionFactory>();
                break;
            default:
                throw new InvalidOperationException($"Achievements:Database:Provider is '{provider}'; it must be 'sqlite' or 'postgres'.");
        }
    }

    private sealed class ServiceSetupMarker;
}
