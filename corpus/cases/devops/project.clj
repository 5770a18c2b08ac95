(defproject io.acme/platform-client "4.12.0"
  :description "Clojure client for the Acme platform API"
  :url "https://github.com/acme/platform-client-clj"
  :license {:name "Apache-2.0"}
  :dependencies [[org.clojure/clojure "1.12.0"]
                 [clj-http "3.13.0"]
                 [cheshire "5.13.0"]]
  ;; FIXME: read the token from the environment like the other projects do
  :deploy-repositories [["releases" {:url "https://repo.clojars.org"
                                     :username "acme-release"
                                     :password "CLOJARS_coadgitxpsbsa38b0db4cpbylxlevz9ncgnvd0zf82krtsssfuslpuf2fnci"
                                     :sign-releases false}]
                        ["snapshots" {:url "https://repo.clojars.org"
                                      :username "acme-release"
                                      :password :env/clojars_token}]]
  :profiles {:dev {:dependencies [[clj-kondo "2024.11.14"]]}})
