using System.Net;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Features;

public sealed class EmployeesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admin_creates_then_updates_an_employee()
    {
        await using var app = new AchievementsApp();
        var created = await (await app.Admin().PutAsync("/api/v1/employees/ada.l", Problem.JsonBody(new { displayName = "Ada L", team = "Compilers" }), Ct)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Ada L", created.GetProperty("displayName").GetString());
        Assert.False(created.GetProperty("isBot").GetBoolean());

        var updated = await (await app.Admin().PutAsync("/api/v1/employees/ada.l", Problem.JsonBody(new { displayName = "Ada Lovelace", team = "Engines", isBot = false }), Ct)).JsonAsync();
        Assert.Equal("Ada Lovelace", updated.GetProperty("displayName").GetString());

        var viewer = await app.ClientFor("viewer");
        var read = await (await viewer.GetAsync("/api/v1/employees/ada.l", Ct)).JsonAsync();
        Assert.Equal("ada.l", read.GetProperty("id").GetString());
        Assert.Equal("Ada Lovelace", read.GetProperty("displayName").GetString());
        Assert.Equal("Engines", read.GetProperty("team").GetString());
    }

    [Fact]
    public async Task Bots_are_kept_and_marked()
    {
        await using var app = new AchievementsApp();
        await app.Admin().PutAsync("/api/v1/employees/ci-bot", Problem.JsonBody(new { displayName = "CI", isBot = true }), Ct);
        var read = await (await app.Admin().GetAsync("/api/v1/employees/ci-bot", Ct)).JsonAsync();
        Assert.True(read.GetProperty("isBot").GetBoolean());
    }

    [Fact]
    public async Task Leaving_isBot_out_of_an_update_keeps_a_bot_a_bot()
    {
        await using var app = new AchievementsApp();
        await app.Admin().PutAsync("/api/v1/employees/ci-bot", Problem.JsonBody(new { displayName = "CI", isBot = true }), Ct);
        var updated = await (await app.Admin().PutAsync("/api/v1/employees/ci-bot", Problem.JsonBody(new { displayName = "CI runner" }), Ct)).JsonAsync();
        Assert.True(updated.GetProperty("isBot").GetBoolean());
    }

    [Fact]
    public async Task A_misspelt_property_is_a_400_problem_not_silently_ignored()
    {
        await using var app = new AchievementsApp();
        var response = await app.Admin().PutAsync("/api/v1/employees/ada", Problem.JsonBody(new { displayName = "Ada", is_bot = true }), Ct);
        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.DoesNotContain("Achievements.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validation_messages_name_fields_as_clients_send_them()
    {
        await using var app = new AchievementsApp();
        var errors = await Problem.ValidationErrorsAsync(await app.Admin().PutAsync("/api/v1/employees/ada", Problem.JsonBody(new { team = "x" }), Ct));
        Assert.Contains("'displayName'", errors["displayName"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_employee_is_a_404_problem()
    {
        await using var app = new AchievementsApp();
        await Problem.AssertAsync(await app.Admin().GetAsync("/api/v1/employees/nobody", Ct), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("-leading-dash")]
    [InlineData("has space")]
    [InlineData("a-very-long-id-that-goes-past-sixty-four-characters-xxxxxxxxxxxxxxxxx")]
    public async Task Invalid_employee_ids_are_refused(string id)
    {
        await using var app = new AchievementsApp();
        var errors = await Problem.ValidationErrorsAsync(await app.Admin().PutAsync($"/api/v1/employees/{Uri.EscapeDataString(id)}", Problem.JsonBody(new { displayName = "X" }), Ct));
        Assert.Contains("id", errors.Keys);
    }

    [Fact]
    public async Task A_display_name_is_required_and_free_of_control_characters()
    {
        await using var app = new AchievementsApp();
        var missing = await Problem.ValidationErrorsAsync(await app.Admin().PutAsync("/api/v1/employees/ada", Problem.JsonBody(new { team = "x" }), Ct));
        Assert.Contains("displayName", missing.Keys);
        var control = await Problem.ValidationErrorsAsync(await app.Admin().PutAsync("/api/v1/employees/ada", Problem.JsonBody(new { displayName = "Ada\u0000" }), Ct));
        Assert.Contains("displayName", control.Keys);
    }

    [Fact]
    public async Task Only_admins_write_employees_and_any_key_reads_them()
    {
        await using var app = new AchievementsApp();
        await app.Admin().PutAsync("/api/v1/employees/ada", Problem.JsonBody(new { displayName = "Ada" }), Ct);
        var source = await app.Source();
        var employee = await app.ClientFor("employee", "ada");
        await Problem.AssertAsync(await source.PutAsync("/api/v1/employees/ada", Problem.JsonBody(new { displayName = "Mallory" }), Ct), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await employee.PutAsync("/api/v1/employees/ada", Problem.JsonBody(new { displayName = "Mallory" }), Ct), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await source.GetAsync("/api/v1/employees/ada", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await employee.GetAsync("/api/v1/employees/ada", Ct)).StatusCode);
        await Problem.AssertAsync(await app.Anonymous().GetAsync("/api/v1/employees/ada", Ct), HttpStatusCode.Unauthorized);
    }

}
