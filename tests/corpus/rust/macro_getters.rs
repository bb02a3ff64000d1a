macro_rules! config_struct {
    ($name:ident { $($field:ident : $ty:ty = $default:expr),* $(,)? }) => {
        #[derive(Debug, Clone)]
        pub struct $name {
            $(pub $field: $ty),*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $($field: $default),* }
            }
        }

        impl $name {
            pub fn describe(&self) -> String {
                let mut parts = Vec::new();
                $( parts.push(format!("{}={:?}", stringify!($field), self.$field)); )*
                parts.join(" ")
            }
        }
    };
}

macro_rules! make_constants {
    ($($name:ident = $value:expr;)*) => {
        $(pub const $name: u32 = $value;)*
    };
}

config_struct!(ServerConfig {
    host: String = "localhost".to_string(),
    port: u16 = 8080,
    workers: usize = WORKERS as usize,
});

make_constants! {
    WORKERS = 4;
    RETRIES = 3;
}

fn main() {
    let mut cfg = ServerConfig::default();
    println!("{}", cfg.describe());
    cfg.port = 9000;
    println!("{:?} retries={}", cfg, RETRIES);
}
