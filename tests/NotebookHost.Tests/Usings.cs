global using System.Text.Json.Nodes;
global using NotebookHost.Execution;
global using NotebookHost.Notebook;
global using Xunit;
