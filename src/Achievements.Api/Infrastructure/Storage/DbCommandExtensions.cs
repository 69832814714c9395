using System.Data.Common;

namespace Achievements.Api.Infrastructure.Storage;

/// <summary>For the few hot reads that use a data reader directly instead of Dapper.</summary>
internal static class DbCommandExtensions
{
    public static DbCommand WithParameter(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return command;
    }
}
