package io.github.mctunnel.client.auth;

import com.aliyun.credentials.models.CredentialModel;
import com.aliyun.credentials.provider.AlibabaCloudCredentialsProvider;
import com.aliyun.credentials.provider.DefaultCredentialsProvider;
import com.aliyun.credentials.provider.EcsRamRoleCredentialProvider;
import com.aliyun.credentials.provider.OIDCRoleArnCredentialProvider;
import com.aliyun.credentials.utils.AuthUtils;

/**
 * Everything that touches Alibaba Cloud's credentials library, apart from {@link
 * AliyunCredentialsProvider} (which only loads this class after checking that the library is on the
 * class path).
 */
final class AliyunLibraryBridge {

    private AliyunLibraryBridge() {}

    static AliyunCredentialsProvider.Fetch create(AliyunCredentialsProvider.Source source) {
        switch (source) {
            case DEFAULT_CHAIN:
                return adapt(new DefaultCredentialsProvider());
            case ECS_RAM_ROLE:
                return adapt(EcsRamRoleCredentialProvider.builder().build());
            case OIDC_ROLE_ARN:
                return adapt(OIDCRoleArnCredentialProvider.builder().build());
            default:
                throw new IllegalArgumentException("Unknown credentials source " + source);
        }
    }

    /** The library's {@code ALIBABA_CLOUD_CREDENTIALS_URI} (with its test override), or null. */
    static String environmentCredentialsUri() {
        return AuthUtils.getEnvironmentCredentialsURI();
    }

    static AliyunCredentialsProvider.Fetch adapt(Object provider) {
        AlibabaCloudCredentialsProvider p = (AlibabaCloudCredentialsProvider) provider;
        return new AliyunCredentialsProvider.Fetch() {
            @Override
            public AliyunCredentialsProvider.Fetched fetch() {
                CredentialModel model = p.getCredentials();
                if (model == null) {
                    return null;
                }
                return new AliyunCredentialsProvider.Fetched(
                        model.getAccessKeyId(),
                        model.getAccessKeySecret(),
                        model.getSecurityToken(),
                        model.getExpiration());
            }

            @Override
            public void close() throws Exception {
                p.close();
            }
        };
    }
}
