//! Statements written once for both engines.
//!
//! sqlx's own query types are generic over the database, but only at a price: code
//! generic over `DB: sqlx::Database` must prove, in every signature, that each bound
//! value encodes for `DB`, each row decodes from `DB::Row` and `&mut DB::Connection`
//! is an executor. Rust does not carry such bounds from a trait to its users (they
//! are not "implied"), so they would spread into every store method.
//!
//! [`Sql`] moves them to one place. A statement holds its text and its bound
//! [`Value`]s; a connection of either engine runs it ([`Conn`], implemented here for
//! `SqliteConnection` and `PgConnection`, where the bounds are concrete), and rows
//! decode into any type that decodes from both engines' rows ([`FromRows`]). The
//! store's code is then ordinary generic Rust over an [`Engine`](crate::Engine), whose
//! `Db::Connection: Conn` bound the compiler does carry.

use chrono::{DateTime, Utc};
use sqlx::error::BoxDynError;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{
    Arguments, Database, Encode, Executor, FromRow, IntoArguments, Pool, Postgres, SqlSafeStr, SqlStr, Sqlite, Type,
};
use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

/// One bound value, in the encodings docs/ARCHITECTURE.md lists ("Data encoding").
#[derive(Debug, Clone)]
pub enum Value<'q> {
    Uuid(Option<Uuid>),
    Text(Option<Cow<'q, str>>),
    Int(Option<i64>),
    Bool(Option<bool>),
    Time(Option<DateTime<Utc>>),
    Bytes(Option<Cow<'q, [u8]>>),
}

/// `From` for a value and for its `Option`: `NULL` is the `None` of the same type.
macro_rules! value_from {
    ($variant:ident, $t:ty, $v:ident => $into:expr) => {
        impl<'q> From<$t> for Value<'q> {
            fn from($v: $t) -> Self {
                Value::$variant(Some($into))
            }
        }
        impl<'q> From<Option<$t>> for Value<'q> {
            fn from(v: Option<$t>) -> Self {
                Value::$variant(v.map(|$v| $into))
            }
        }
    };
}

value_from!(Uuid, Uuid, v => v);
value_from!(Int, i64, v => v);
value_from!(Bool, bool, v => v);
value_from!(Time, DateTime<Utc>, v => v);
value_from!(Text, &'q str, v => Cow::Borrowed(v));
value_from!(Text, &'q String, v => Cow::Borrowed(v.as_str()));
value_from!(Text, String, v => Cow::Owned(v));
value_from!(Bytes, &'q [u8], v => Cow::Borrowed(v));
value_from!(Bytes, &'q Vec<u8>, v => Cow::Borrowed(v.as_slice()));
value_from!(Bytes, Vec<u8>, v => Cow::Owned(v));

impl<'q> From<&'q Option<String>> for Value<'q> {
    fn from(v: &'q Option<String>) -> Self {
        Value::Text(v.as_deref().map(Cow::Borrowed))
    }
}

/// A statement being run. Boxed, so that the futures of the store's generic methods
/// hold no generic executor types: proving such a future `Send` runs into a known
/// limitation of the compiler (rust-lang/rust#100013, "implementation of … is not
/// general enough").
pub type Running<'e, T> = Pin<Box<dyn Future<Output = Result<T, sqlx::Error>> + Send + 'e>>;

/// A statement and its bound values, for either engine.
#[must_use = "a statement does nothing until it is run on a connection"]
pub struct Sql<'q> {
    text: SqlStr,
    values: Vec<Value<'q>>,
}

/// A statement of literal SQL text.
pub fn sql(text: &'static str) -> Sql<'static> {
    Sql::new(text)
}

impl<'q> Sql<'q> {
    /// A statement; dynamic text must be wrapped in `sqlx::AssertSqlSafe` after review.
    pub fn new(text: impl SqlSafeStr) -> Self {
        Self { text: text.into_sql_str(), values: Vec::new() }
    }

    /// Binds the next `$n`.
    pub fn bind<'v, V: Into<Value<'v>>>(self, value: V) -> Sql<'v>
    where
        'q: 'v,
    {
        let mut sql: Sql<'v> = self;
        sql.values.push(value.into());
        sql
    }

    /// Binds one value after the other, in order.
    pub fn bind_all<V: Into<Value<'q>>>(mut self, values: impl IntoIterator<Item = V>) -> Self {
        self.values.extend(values.into_iter().map(Into::into));
        self
    }

    /// Runs the statement; the number of rows it changed.
    pub fn execute<'e, X: Exec<'e>>(self, on: X) -> Running<'e, u64>
    where
        'q: 'e,
    {
        Box::pin(on.execute(self))
    }

    pub fn fetch_all<'e, R: FromRows, X: Exec<'e>>(self, on: X) -> Running<'e, Vec<R>>
    where
        'q: 'e,
    {
        Box::pin(on.fetch_all(self))
    }

    /// The first row, if any.
    pub fn fetch_optional<'e, R: FromRows, X: Exec<'e>>(self, on: X) -> Running<'e, Option<R>>
    where
        'q: 'e,
    {
        Box::pin(on.fetch_optional(self))
    }

    /// The first row; `sqlx::Error::RowNotFound` if there is none.
    pub fn fetch_one<'e, R: FromRows, X: Exec<'e>>(self, on: X) -> Running<'e, R>
    where
        'q: 'e,
    {
        let row = on.fetch_optional(self);
        Box::pin(async move { row.await?.ok_or(sqlx::Error::RowNotFound) })
    }

    /// The first column of every row.
    pub fn fetch_scalars<'e, T, X: Exec<'e>>(self, on: X) -> Running<'e, Vec<T>>
    where
        'q: 'e,
        (T,): FromRows,
    {
        let rows = on.fetch_all::<(T,)>(self);
        Box::pin(async move { Ok(rows.await?.into_iter().map(|(v,)| v).collect()) })
    }

    /// The first column of the first row, if any.
    pub fn fetch_optional_scalar<'e, T, X: Exec<'e>>(self, on: X) -> Running<'e, Option<T>>
    where
        'q: 'e,
        (T,): FromRows,
    {
        let row = on.fetch_optional::<(T,)>(self);
        Box::pin(async move { Ok(row.await?.map(|(v,)| v)) })
    }

    /// The first column of the first row; `sqlx::Error::RowNotFound` if there is none.
    pub fn fetch_scalar<'e, T, X: Exec<'e>>(self, on: X) -> Running<'e, T>
    where
        'q: 'e,
        (T,): FromRows,
    {
        let row = on.fetch_optional::<(T,)>(self);
        Box::pin(async move { row.await?.map(|(v,)| v).ok_or(sqlx::Error::RowNotFound) })
    }

    /// The text and the values as one engine's arguments.
    fn into_parts<DB: Database>(self) -> (SqlStr, Result<DB::Arguments, BoxDynError>)
    where
        Value<'q>: Bind<DB>,
    {
        let mut arguments = DB::Arguments::default();
        let bound = self.values.into_iter().try_for_each(|value| value.add_to(&mut arguments));
        (self.text, bound.map(|()| arguments))
    }
}

/// A row type that both engines' rows decode into (every `#[derive(sqlx::FromRow)]`
/// struct over the encoded types, and tuples of them).
pub trait FromRows: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin + 'static {}

impl<T> FromRows for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin + 'static {}

/// A connection of one engine, which runs [`Sql`].
pub trait Conn: Send {
    fn execute<'e>(&'e mut self, sql: Sql<'e>) -> impl Future<Output = Result<u64, sqlx::Error>> + Send + 'e;

    fn fetch_all<'e, R: FromRows>(
        &'e mut self,
        sql: Sql<'e>,
    ) -> impl Future<Output = Result<Vec<R>, sqlx::Error>> + Send + 'e;

    fn fetch_optional<'e, R: FromRows>(
        &'e mut self,
        sql: Sql<'e>,
    ) -> impl Future<Output = Result<Option<R>, sqlx::Error>> + Send + 'e;
}

/// Where a statement runs: a connection (`&mut *tx`, `&mut *conn`) or a pool, which
/// lends one for the statement.
pub trait Exec<'e>: Send + 'e {
    fn execute(self, sql: Sql<'e>) -> impl Future<Output = Result<u64, sqlx::Error>> + Send + 'e;
    fn fetch_all<R: FromRows>(self, sql: Sql<'e>) -> impl Future<Output = Result<Vec<R>, sqlx::Error>> + Send + 'e;
    fn fetch_optional<R: FromRows>(
        self,
        sql: Sql<'e>,
    ) -> impl Future<Output = Result<Option<R>, sqlx::Error>> + Send + 'e;
}

impl<'e, C: Conn + ?Sized> Exec<'e> for &'e mut C {
    fn execute(self, sql: Sql<'e>) -> impl Future<Output = Result<u64, sqlx::Error>> + Send + 'e {
        Conn::execute(self, sql)
    }

    fn fetch_all<R: FromRows>(self, sql: Sql<'e>) -> impl Future<Output = Result<Vec<R>, sqlx::Error>> + Send + 'e {
        Conn::fetch_all(self, sql)
    }

    fn fetch_optional<R: FromRows>(
        self,
        sql: Sql<'e>,
    ) -> impl Future<Output = Result<Option<R>, sqlx::Error>> + Send + 'e {
        Conn::fetch_optional(self, sql)
    }
}

impl<'e, DB: Database> Exec<'e> for &'e Pool<DB>
where
    DB::Connection: Conn,
{
    async fn execute(self, sql: Sql<'e>) -> Result<u64, sqlx::Error> {
        Conn::execute(&mut *self.acquire().await?, sql).await
    }

    async fn fetch_all<R: FromRows>(self, sql: Sql<'e>) -> Result<Vec<R>, sqlx::Error> {
        Conn::fetch_all(&mut *self.acquire().await?, sql).await
    }

    async fn fetch_optional<R: FromRows>(self, sql: Sql<'e>) -> Result<Option<R>, sqlx::Error> {
        Conn::fetch_optional(&mut *self.acquire().await?, sql).await
    }
}

/// A value that one engine can bind: the concrete encodings of each variant.
pub trait Bind<DB: Database> {
    fn add_to(self, arguments: &mut DB::Arguments) -> Result<(), BoxDynError>;
}

impl<'q, DB: Database> Bind<DB> for Value<'q>
where
    Option<Uuid>: Encode<'q, DB> + Type<DB>,
    Option<Cow<'q, str>>: Encode<'q, DB> + Type<DB>,
    Option<i64>: Encode<'q, DB> + Type<DB>,
    Option<bool>: Encode<'q, DB> + Type<DB>,
    Option<DateTime<Utc>>: Encode<'q, DB> + Type<DB>,
    Option<Cow<'q, [u8]>>: Encode<'q, DB> + Type<DB>,
{
    fn add_to(self, arguments: &mut DB::Arguments) -> Result<(), BoxDynError> {
        match self {
            Value::Uuid(v) => arguments.add(v),
            Value::Text(v) => arguments.add(v),
            Value::Int(v) => arguments.add(v),
            Value::Bool(v) => arguments.add(v),
            Value::Time(v) => arguments.add(v),
            Value::Bytes(v) => arguments.add(v),
        }
    }
}

/// Runs `sql` on a connection of `DB`: the one body behind both engines' [`Conn`].
async fn run_execute<'e, DB: Database>(
    conn: &'e mut DB::Connection,
    sql: Sql<'e>,
) -> Result<DB::QueryResult, sqlx::Error>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    Value<'e>: Bind<DB>,
{
    let (text, arguments) = sql.into_parts::<DB>();
    sqlx::query_with::<DB, _>(text, arguments.map_err(sqlx::Error::Encode)?).execute(conn).await
}

async fn run_fetch_all<'e, DB: Database, R>(conn: &'e mut DB::Connection, sql: Sql<'e>) -> Result<Vec<R>, sqlx::Error>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    Value<'e>: Bind<DB>,
    R: for<'r> FromRow<'r, DB::Row> + Send + Unpin,
{
    let (text, arguments) = sql.into_parts::<DB>();
    sqlx::query_as_with::<DB, R, _>(text, arguments.map_err(sqlx::Error::Encode)?).fetch_all(conn).await
}

async fn run_fetch_optional<'e, DB: Database, R>(
    conn: &'e mut DB::Connection,
    sql: Sql<'e>,
) -> Result<Option<R>, sqlx::Error>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    Value<'e>: Bind<DB>,
    R: for<'r> FromRow<'r, DB::Row> + Send + Unpin,
{
    let (text, arguments) = sql.into_parts::<DB>();
    sqlx::query_as_with::<DB, R, _>(text, arguments.map_err(sqlx::Error::Encode)?).fetch_optional(conn).await
}

impl Conn for sqlx::SqliteConnection {
    async fn execute<'e>(&'e mut self, sql: Sql<'e>) -> Result<u64, sqlx::Error> {
        Ok(run_execute::<Sqlite>(self, sql).await?.rows_affected())
    }

    fn fetch_all<'e, R: FromRows>(
        &'e mut self,
        sql: Sql<'e>,
    ) -> impl Future<Output = Result<Vec<R>, sqlx::Error>> + Send + 'e {
        run_fetch_all::<Sqlite, R>(self, sql)
    }

    fn fetch_optional<'e, R: FromRows>(
        &'e mut self,
        sql: Sql<'e>,
    ) -> impl Future<Output = Result<Option<R>, sqlx::Error>> + Send + 'e {
        run_fetch_optional::<Sqlite, R>(self, sql)
    }
}

impl Conn for sqlx::PgConnection {
    async fn execute<'e>(&'e mut self, sql: Sql<'e>) -> Result<u64, sqlx::Error> {
        Ok(run_execute::<Postgres>(self, sql).await?.rows_affected())
    }

    fn fetch_all<'e, R: FromRows>(
        &'e mut self,
        sql: Sql<'e>,
    ) -> impl Future<Output = Result<Vec<R>, sqlx::Error>> + Send + 'e {
        run_fetch_all::<Postgres, R>(self, sql)
    }

    fn fetch_optional<'e, R: FromRows>(
        &'e mut self,
        sql: Sql<'e>,
    ) -> impl Future<Output = Result<Option<R>, sqlx::Error>> + Send + 'e {
        run_fetch_optional::<Postgres, R>(self, sql)
    }
}
