namespace Achievements.Api.Features.Employees;

/// <summary>
/// The authority that put an employee in the directory (<c>employees.added_by</c>, shown as <c>addedBy</c>). Only people
/// vouch (issue 24): an employee an authority put there, and no bot, is a voice; one that a source's event merely named
/// (ingestion creates a row for every actor) has none and vouches for nothing. The first authority is kept.
/// </summary>
/// <remarks>
/// Mapping an identity is an admin's <c>PUT /employees</c> or SCIM's provisioning, so a mapped employee is
/// <see cref="Admin"/> or <see cref="Scim"/>.
/// </remarks>
internal static class AddedBy
{
    /// <summary><c>PUT /api/v1/employees/{id}</c>, which also promotes an account an event created.</summary>
    public const string Admin = "admin";

    /// <summary>SCIM provisioning: creating, replacing or patching a user.</summary>
    public const string Scim = "scim";

    /// <summary>The GitHub source with <c>autoCreateEmployees</c> on: the organisation trusts its GitHub organisation's accounts.</summary>
    public const string Github = "github";
}
