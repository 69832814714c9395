using Achievements.Api.Features.Identities;
using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Features.Employees;

internal static class EmployeesApi
{
    public static RouteGroupBuilder MapEmployeesApi(this RouteGroupBuilder api)
    {
        var employees = api.MapGroup("/employees").WithTags("Employees");

        employees.MapPut("/{id}", async Task<Results<Ok<Employee>, Created<Employee>>> (string id, EmployeeBody body, IMediator mediator, CancellationToken ct) =>
            {
                var result = await mediator.Send(new PutEmployee(id, body.DisplayName, body.Team, body.IsBot, body.Identities), ct);
                return result.Created
                    ? TypedResults.Created($"/api/v1/employees/{id}", result.Employee)
                    : TypedResults.Ok(result.Employee);
            })
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithName("PutEmployee")
            .WithSummary("Create or update an employee (201 when created, 200 when updated).");

        employees.MapPut("/{id}/directory", async Task<Ok<DirectoryListing>> (string id, ListingBody body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new SetDirectoryListing(id, body.Listed), ct)))
            .RequireSelfOrAdmin()
            .WithName("SetDirectoryListing")
            .WithSummary("Leave the directory altogether (listed false) or come back; progress stays the employee's (self or admin).");

        employees.MapGet("/{id}", async Task<Ok<Employee>> (string id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetEmployee(id), ct)))
            .RequireAuthorization(ApiKeyAuthentication.AnyKeyPolicy)
            .WithName("GetEmployee")
            .WithSummary("Read an employee's directory entry.");

        return api;
    }

    internal sealed record ListingBody(bool? Listed);

    internal sealed record EmployeeBody(string? DisplayName, string? Team, bool? IsBot, IReadOnlyList<Identity>? Identities);
}
