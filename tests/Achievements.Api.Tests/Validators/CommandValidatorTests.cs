using Achievements.Api.Features.Employees;
using Achievements.Api.Features.Keys;

namespace Achievements.Api.Tests.Validators;

public sealed class CommandValidatorTests
{
    [Theory]
    [InlineData("admin", null, true)]
    [InlineData("viewer", null, true)]
    [InlineData("source", "github", true)]
    [InlineData("source", null, false)]
    [InlineData("source", "GitHub", false)]
    [InlineData("employee", "ada.l", true)]
    [InlineData("scim", "okta", true)]
    [InlineData("scim", null, true)]
    [InlineData("employee", "", false)]
    [InlineData("owner", null, false)]
    [InlineData(null, null, false)]
    public void A_key_needs_a_known_role_and_the_subject_that_role_speaks_for(string? role, string? subject, bool valid)
    {
        Assert.Equal(valid, new CreateKeyValidator().Validate(new CreateKey(role, subject)).IsValid);
    }

    [Theory]
    [InlineData("ada", "Ada", true)]
    [InlineData("0ops", "Ops", true)]
    [InlineData("ada", "", false)]
    [InlineData("ada", "Ada\u200F\u202E", true)]
    [InlineData("ada", "Ada\u0007", false)]
    [InlineData("_ada", "Ada", false)]
    public void An_employee_needs_a_valid_id_and_a_displayable_name(string id, string displayName, bool valid)
    {
        Assert.Equal(valid, new PutEmployeeValidator().Validate(new PutEmployee(id, displayName, null, false)).IsValid);
    }

    [Fact]
    public void A_lone_surrogate_is_not_displayable_text()
    {
        var broken = "Ada" + (char)0xD800;
        Assert.False(new PutEmployeeValidator().Validate(new PutEmployee("ada", broken, null, false)).IsValid);
    }

    [Theory]
    [InlineData("30m", 30 * 60)]
    [InlineData("24h", 24 * 3600)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("2w", 14 * 86400)]
    public void Policy_durations_read_like_rule_windows(string text, int seconds)
    {
        Assert.True(PolicyDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("0d")]
    [InlineData("7")]
    [InlineData("d")]
    [InlineData("1y")]
    [InlineData("366d")]
    [InlineData("-1d")]
    public void Other_durations_are_refused(string text)
    {
        Assert.False(PolicyDuration.TryParse(text, out _));
    }
}
